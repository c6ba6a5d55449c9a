//! The side copied from: the SQLite file, held for the whole copy so that nothing else reads or
//! writes it meanwhile.
//!
//! The file is opened on one connection in SQLite's exclusive locking mode, and a transaction is
//! begun at once: that takes an exclusive lock on the file, which SQLite grants only while no
//! other connection has it open (every WAL-mode connection holds a shared lock on the file for as
//! long as it is open, idle or not). So a `gatehouse serve` still running on the file — or an
//! operator's `sqlite3` shell — makes the copy refuse to start instead of copying a store that
//! keeps changing, and while the copy runs nothing else can open the file. Nothing is written to
//! the file: the transaction is rolled back at the end.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteLockingMode, SqliteRow};
use sqlx::{Connection, Row as _, SqliteConnection};

use super::CopyError;
use super::tables::{Kind, Row, Table, Value};
use crate::store::command_state::CommandState;

/// How long opening waits for a process that is closing the file (a service shutting down).
const BUSY_TIMEOUT: Duration = Duration::from_secs(2);

/// SQLite's `SQLITE_BUSY` primary result code.
const SQLITE_BUSY: i32 = 5;

/// The SQLite store being copied, locked for the copy.
pub(super) struct Source {
    connection: SqliteConnection,
    path: PathBuf,
}

impl Source {
    /// Opens the store at `path` for the copy: refuses a missing file, a file another process
    /// has open, a file that is not a Gatehouse store, and a store whose schema is not the one
    /// this build writes.
    pub(super) async fn open(path: &Path) -> Result<Source, CopyError> {
        if !path.is_file() {
            return Err(CopyError::SourceMissing {
                path: path.to_owned(),
            });
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(false)
            .locking_mode(SqliteLockingMode::Exclusive)
            .busy_timeout(BUSY_TIMEOUT);
        let refused = |source: sqlx::Error| {
            let path = path.to_owned();
            if is_busy(&source) {
                CopyError::SourceInUse { path, source }
            } else {
                CopyError::SourceOpen { path, source }
            }
        };
        let mut connection = SqliteConnection::connect_with(&options)
            .await
            .map_err(refused)?;
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut connection)
            .await
            .map_err(refused)?;
        let mut source = Source {
            connection,
            path: path.to_owned(),
        };
        source.check_schema().await?;
        Ok(source)
    }

    /// The store's schema must be exactly the one this build's SQLite migrations make: the
    /// columns the copy reads are those.
    async fn check_schema(&mut self) -> Result<(), CopyError> {
        let read = |source| CopyError::Read {
            what: "the schema history",
            source,
        };
        let has_history: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master \
             WHERE type = 'table' AND name = '_sqlx_migrations')",
        )
        .fetch_one(&mut self.connection)
        .await
        .map_err(read)?;
        if !has_history {
            return Err(CopyError::NotAStore {
                path: self.path.clone(),
            });
        }
        let applied: Vec<i64> = sqlx::query_scalar(
            "SELECT version FROM _sqlx_migrations WHERE success = 1 ORDER BY version",
        )
        .fetch_all(&mut self.connection)
        .await
        .map_err(read)?;
        let known: Vec<i64> = crate::store::sqlite::MIGRATOR
            .iter()
            .map(|migration| migration.version)
            .collect();
        schema_verdict(&self.path, &applied, &known)
    }

    /// Rows in `table`.
    pub(super) async fn count(&mut self, table: &Table) -> Result<u64, CopyError> {
        let count: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {}", table.name))
            .fetch_one(&mut self.connection)
            .await
            .map_err(|source| CopyError::Read {
                what: table.name,
                source,
            })?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    /// Up to `limit` rows of `table` in key order, after the row whose key is `after`.
    pub(super) async fn page(
        &mut self,
        table: &Table,
        after: Option<&Value>,
        limit: u32,
    ) -> Result<Vec<Row>, CopyError> {
        let columns = table.column_list();
        let statement = match after {
            None => format!(
                "SELECT {columns} FROM {name} ORDER BY {key} LIMIT $1",
                name = table.name,
                key = table.key
            ),
            Some(_) => format!(
                "SELECT {columns} FROM {name} WHERE {key} > $2 ORDER BY {key} LIMIT $1",
                name = table.name,
                key = table.key
            ),
        };
        let mut query = sqlx::query(&statement).bind(i64::from(limit));
        query = match after {
            None => query,
            Some(Value::Text(key)) => query.bind(key.clone()),
            Some(Value::Integer(key)) => query.bind(*key),
            Some(Value::Blob(key)) => query.bind(key.clone()),
        };
        let rows = query
            .fetch_all(&mut self.connection)
            .await
            .map_err(|source| CopyError::Read {
                what: table.name,
                source,
            })?;
        rows.iter()
            .map(|row| values(table, row))
            .collect::<Result<_, _>>()
            .map_err(|source| CopyError::Read {
                what: table.name,
                source,
            })
    }

    /// What the summary says besides the counts: the commands running when the service
    /// stopped, by the worker that holds them, and the outcome events not yet published.
    pub(super) async fn loose_ends(&mut self) -> Result<(Vec<(String, u64)>, u64), CopyError> {
        let read = |source| CopyError::Read {
            what: "the running commands and unpublished events",
            source,
        };
        let running: Vec<(Option<String>, i64)> = sqlx::query_as(
            "SELECT claimed_by, COUNT(*) FROM commands WHERE state = $1 \
             GROUP BY claimed_by ORDER BY claimed_by",
        )
        .bind(CommandState::Running.as_str())
        .fetch_all(&mut self.connection)
        .await
        .map_err(read)?;
        let unpublished: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE published_at IS NULL")
                .fetch_one(&mut self.connection)
                .await
                .map_err(read)?;
        let running = running
            .into_iter()
            .map(|(worker, count)| {
                (
                    worker.unwrap_or_default(),
                    u64::try_from(count).unwrap_or(0),
                )
            })
            .collect();
        Ok((running, u64::try_from(unpublished).unwrap_or(0)))
    }

    /// Ends the read (nothing was written) and lets the file go.
    pub(super) async fn close(mut self) {
        let _ = sqlx::query("ROLLBACK").execute(&mut self.connection).await;
        let _ = self.connection.close().await;
    }
}

/// Whether a store with the migrations `applied` can be copied by a build that knows `known`.
pub(super) fn schema_verdict(path: &Path, applied: &[i64], known: &[i64]) -> Result<(), CopyError> {
    let applied: BTreeSet<i64> = applied.iter().copied().collect();
    let known: BTreeSet<i64> = known.iter().copied().collect();
    let list = |versions: Vec<&i64>| {
        versions
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let unknown: Vec<&i64> = applied.difference(&known).collect();
    if !unknown.is_empty() {
        return Err(CopyError::SourceAhead {
            path: path.to_owned(),
            versions: list(unknown),
        });
    }
    let missing: Vec<&i64> = known.difference(&applied).collect();
    if !missing.is_empty() {
        return Err(CopyError::SourceBehind {
            path: path.to_owned(),
            versions: list(missing),
        });
    }
    Ok(())
}

/// One row's values, read by each column's kind.
fn values(table: &Table, row: &SqliteRow) -> Result<Row, sqlx::Error> {
    table
        .columns
        .iter()
        .enumerate()
        .map(|(index, column)| {
            Ok(match column.kind {
                Kind::Text => Value::Text(row.try_get(index)?),
                Kind::Integer => Value::Integer(row.try_get(index)?),
                Kind::Blob => Value::Blob(row.try_get(index)?),
            })
        })
        .collect()
}

/// Whether SQLite answered that another connection holds the file.
fn is_busy(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(database) => database
            .code()
            .and_then(|code| code.parse::<i32>().ok())
            .is_some_and(|code| code & 0xff == SQLITE_BUSY),
        _ => false,
    }
}
