//! Moving a store from SQLite to PostgreSQL: `gatehouse store copy`.
//!
//! [`copy_sqlite_to_postgres`] copies every table of a SQLite store that holds state (the inbox,
//! the commands with their states, claims and fencing tokens, the lifecycle records, their
//! history and the outbox; `tables.rs` lists them) into an empty PostgreSQL database, row for row,
//! so that a service started on the copy carries on where the one on SQLite stopped:
//!
//! - **The source** (`source.rs`) is locked for the copy: a service still running on the file
//!   makes the copy refuse to start, and nothing can open the file while it runs. Its schema must
//!   be the one this build writes. It is read in pages keyed on each table's primary key.
//! - **The target** (`target.rs`) is filled in one transaction, its tables locked against
//!   writers, after checking they are empty: all or nothing. Identity sequences are set past the
//!   copied rows, and the outbox's publication order (`seq` on PostgreSQL) is numbered in the
//!   order SQLite's relay publishes (by id).
//! - **Claims** are copied as they are: a command that was `running` when the service stopped
//!   keeps its holder, its lease end and its fencing token, so the PostgreSQL store releases it
//!   as it would any other: at once when a replica with the holder's `engine.worker_id` starts,
//!   otherwise once the lease has run out. Its next claim takes a larger token.

mod source;
mod tables;
mod target;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};

use source::Source;
use tables::{TABLES, Table, Value};
use target::Target;

use super::PostgresOptions;
use super::error::StoreError;

/// Rows read and written at a time, unless the caller chooses.
pub const DEFAULT_PAGE_SIZE: u32 = 500;

/// The most rows a page may hold: PostgreSQL takes at most 65,535 parameters in a statement, and
/// a command row has 24.
pub const MAX_PAGE_SIZE: u32 = 2000;

/// How far the copy of one table has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CopyProgress {
    pub table: &'static str,
    /// Rows copied so far (0 when the table starts).
    pub copied: u64,
    /// Rows the table holds.
    pub total: u64,
}

/// What a finished copy holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopySummary {
    /// Rows copied per table, in the order they were copied.
    pub tables: Vec<(&'static str, u64)>,
    /// Commands that were running when the service on SQLite stopped, by the worker holding
    /// them (`engine.worker_id`): released by the PostgreSQL store when their lease runs out,
    /// or at once by a replica starting with that worker id.
    pub running: Vec<(String, u64)>,
    /// Outcome events not yet published: the relay of the first replica publishes them, in
    /// the order SQLite's relay would have.
    pub unpublished: u64,
}

/// Why a copy did not happen. Whatever the reason, nothing was written to either database.
#[derive(Debug, thiserror::Error)]
pub enum CopyError {
    #[error(
        "the page size {0} is out of range; choose between 1 and {MAX_PAGE_SIZE} \
         (default {DEFAULT_PAGE_SIZE})"
    )]
    PageSize(u32),
    #[error(
        "no SQLite store at {}: name the file the service's [store] path names, \
         e.g. --from sqlite:var/gatehouse.db",
        path.display()
    )]
    SourceMissing { path: PathBuf },
    #[error("cannot open the SQLite store {}", path.display())]
    SourceOpen {
        path: PathBuf,
        #[source]
        source: sqlx::Error,
    },
    #[error(
        "the SQLite store {} is open in another process: stop `gatehouse serve` (and any \
         `sqlite3` shell or backup tool) using it, then copy again",
        path.display()
    )]
    SourceInUse {
        path: PathBuf,
        #[source]
        source: sqlx::Error,
    },
    #[error(
        "{} is not a Gatehouse store: it has no schema history (table _sqlx_migrations)",
        path.display()
    )]
    NotAStore { path: PathBuf },
    #[error(
        "the SQLite store {} lacks schema version(s) {versions} of this gatehouse: start this \
         version's `gatehouse serve` on it once (it brings the schema up to date at start-up), \
         stop it, then copy",
        path.display()
    )]
    SourceBehind { path: PathBuf, versions: String },
    #[error(
        "the SQLite store {} has schema version(s) {versions} that this gatehouse does not \
         know: it was written by a newer version; copy it with that version",
        path.display()
    )]
    SourceAhead { path: PathBuf, versions: String },
    #[error("cannot read {what} from the SQLite store")]
    Read {
        what: &'static str,
        #[source]
        source: sqlx::Error,
    },
    #[error("cannot open the PostgreSQL database to copy into")]
    TargetOpen {
        #[source]
        source: StoreError,
    },
    #[error(
        "the PostgreSQL database already holds Gatehouse data (rows in {tables}): the copy \
         fills an empty database only, so it never merges two stores or runs twice; create a \
         new database for it (CREATE DATABASE …), or drop this one if its data is not needed"
    )]
    TargetNotEmpty { tables: String },
    #[error("cannot write the rows of {table} to PostgreSQL; the copy was rolled back")]
    Write {
        table: &'static str,
        #[source]
        source: sqlx::Error,
    },
    #[error("the copy into PostgreSQL failed while {action}; it was rolled back")]
    Target {
        action: &'static str,
        #[source]
        source: sqlx::Error,
    },
}

/// Copies the SQLite store at `from` into the empty PostgreSQL database `to` names (its schema
/// made first, as a replica makes it), `page_size` rows at a time, telling `progress` after each
/// page. Nothing is written to PostgreSQL unless every table was copied; the SQLite store is
/// only read.
pub async fn copy_sqlite_to_postgres(
    from: &Path,
    to: &PostgresOptions,
    page_size: u32,
    progress: &mut dyn FnMut(CopyProgress),
) -> Result<CopySummary, CopyError> {
    if !(1..=MAX_PAGE_SIZE).contains(&page_size) {
        return Err(CopyError::PageSize(page_size));
    }
    let mut source = Source::open(from).await?;
    let mut target = match Target::open(to).await {
        Ok(target) => target,
        Err(e) => {
            source.close().await;
            return Err(e);
        }
    };
    let copied = copy_tables(&mut source, &mut target, page_size, progress).await;
    let finished = match copied {
        Ok(summary) => target.commit().await.map(|()| summary),
        Err(e) => {
            target.abandon().await;
            Err(e)
        }
    };
    source.close().await;
    finished
}

/// Every table, then what the summary says about claims and unpublished events.
async fn copy_tables(
    source: &mut Source,
    target: &mut Target,
    page_size: u32,
    progress: &mut dyn FnMut(CopyProgress),
) -> Result<CopySummary, CopyError> {
    let mut tables = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let copied = copy_table(source, target, table, page_size, progress).await?;
        tables.push((table.name, copied));
    }
    let (running, unpublished) = source.loose_ends().await?;
    Ok(CopySummary {
        tables,
        running,
        unpublished,
    })
}

/// One table, page by page in key order; answers the rows copied.
async fn copy_table(
    source: &mut Source,
    target: &mut Target,
    table: &Table,
    page_size: u32,
    progress: &mut dyn FnMut(CopyProgress),
) -> Result<u64, CopyError> {
    let total = source.count(table).await?;
    progress(CopyProgress {
        table: table.name,
        copied: 0,
        total,
    });
    let key = table.key_index();
    let mut after: Option<Value> = None;
    let mut copied: u64 = 0;
    loop {
        let rows = source.page(table, after.as_ref(), page_size).await?;
        let Some(last) = rows.last() else {
            break;
        };
        after = Some(last[key].clone());
        let count = rows.len() as u64;
        let first = i64::try_from(copied).unwrap_or(i64::MAX).saturating_add(1);
        target.insert(table, rows, first).await?;
        copied += count;
        progress(CopyProgress {
            table: table.name,
            copied,
            total,
        });
    }
    target.continue_numbering(table).await?;
    Ok(copied)
}
