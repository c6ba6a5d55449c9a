//! The embedded store: one SQLite file in WAL mode.
//!
//! SQLite lets one connection write at a time, so the store keeps exactly one writer connection
//! (used by the group-commit task and by status changes, which queue for it) and a small pool of
//! readers that WAL lets run beside the writer. Every write transaction starts with
//! `BEGIN IMMEDIATE`, taking the write lock up front: a deferred transaction that reads first and
//! writes later can fail with `SQLITE_BUSY` at the upgrade, which the busy timeout cannot wait
//! out, e.g. when an operator's `sqlite3` shell writes to the same file.
//!
//! The engine's writes (enqueue, claim, finish, …) share that one writer connection with the
//! inbox's group commit, each operation in a transaction of its own; see [`SqliteStore::begin_write`]
//! for why they do not join the group commit.

mod readiness;
// The statements both stores share, compiled here for this driver (see `store/sql/mod.rs`).
#[allow(
    clippy::duplicate_mod,
    reason = "each store compiles the shared statements"
)]
#[path = "../sql/mod.rs"]
mod sql;

use std::path::Path;
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::migrate::Migrator;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Sqlite, SqliteConnection, Transaction};

use super::error::StoreError;
use super::timestamp;

/// The driver's database, by the name the shared statements (`store/sql/`) use.
type Db = Sqlite;
/// The driver's connection, by the name the shared statements use.
type Connection = SqliteConnection;
/// This store, by the name the shared statements use.
type Store = SqliteStore;

/// The inbox status column as a verdict's UPDATE tests it. The `+` keeps SQLite from driving
/// the update through the status index: without statistics it guesses that few rows are
/// `accepted` and walks all of them, looking each one up among the verdicts, which is quadratic
/// once a backlog builds up (a page of 100 took a quarter of a second behind 30,000 accepted
/// events). With the index out of the way, each verdict finds its row by primary key.
const VERDICT_STATUS: &str = "+inbox_events.status";

/// The relay's order: ids, which one process makes from its own clock as it commits each
/// outcome through the one writer, so id order is commit order.
const OUTBOX_ORDER: &str = "outbox_id";

/// The schema, compiled into the binary so a fresh file is usable without extra files on disk.
pub(in crate::store) static MIGRATOR: Migrator = sqlx::migrate!("./migrations/sqlite");

/// Tuning for the SQLite store; the defaults suit a single service on one disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqliteOptions {
    /// How long a statement waits for another writer's lock before the store reports itself
    /// unavailable.
    pub busy_timeout: Duration,
    /// Most events written in one transaction. Larger batches mean fewer fsyncs under load but
    /// a longer wait for the first caller of a batch.
    pub max_batch: usize,
    /// Most events waiting for the writer; further callers wait to queue, which pushes back on
    /// the HTTP handlers instead of growing memory without bound.
    pub queue_depth: usize,
    /// Reader connections, for `get`, `list` and counts while the writer commits.
    pub readers: u32,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        SqliteOptions {
            busy_timeout: Duration::from_secs(5),
            max_batch: 256,
            queue_depth: 4096,
            readers: 4,
        }
    }
}

/// The SQLite store: the writer connection and the readers, both on one file.
#[derive(Clone)]
pub(crate) struct SqliteStore {
    writer: SqlitePool,
    readers: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if missing) the file at `path` and brings its schema up to date.
    pub(crate) async fn open(path: &Path, options: &SqliteOptions) -> Result<Self, StoreError> {
        if let Some(parent) = path
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty())
        {
            tokio::fs::create_dir_all(parent)
                .await
                .map_err(|source| StoreError::CreateDir {
                    path: path.to_owned(),
                    source,
                })?;
        }
        let open_failed = |source| StoreError::Open {
            path: path.to_owned(),
            source,
        };
        let common = SqliteConnectOptions::new()
            .filename(path)
            .busy_timeout(options.busy_timeout)
            .foreign_keys(true)
            // Deleted rows are overwritten with zeros rather than left in free space, so an
            // erased person's values are gone from the file once the WAL is checkpointed
            // (docs/privacy.md). Cheap: a page being freed is written anyway.
            .pragma("secure_delete", "ON");
        // WAL lets readers work beside the writer; FULL makes every commit wait for the disk,
        // which is what "durable before acknowledged" means. Group commit pays for it.
        let writer_options = common
            .clone()
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            // 64 MiB of pages (the default is 2 MiB): dedupe keys that are body hashes land
            // anywhere in their index, and a cache that holds the index keeps each insert from
            // reading its page back from the file.
            .pragma("cache_size", "-65536");
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .min_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(writer_options)
            .await
            .map_err(open_failed)?;
        MIGRATOR
            .run(&writer)
            .await
            .map_err(|source| StoreError::Migrate {
                path: path.to_owned(),
                source,
            })?;
        // `query_only` rather than opening read-only: a read-only connection cannot create the
        // WAL's shared-memory file when it is missing (https://www.sqlite.org/wal.html#readonly).
        let readers = SqlitePoolOptions::new()
            .max_connections(options.readers.max(1))
            .connect_with(common.pragma("query_only", "ON"))
            .await
            .map_err(open_failed)?;
        Ok(SqliteStore { writer, readers })
    }

    /// Proves a reader can reach the file.
    pub(crate) async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.readers)
            .await
            .map_err(|source| classify("checking the store is reachable", source))?;
        Ok(())
    }

    /// Starts a write transaction for one engine operation.
    ///
    /// The engine's operations do not go through the group-commit queue: each one must commit
    /// or fail on its own (an outcome with its subject update, history and outbox row; an
    /// event's commands with the inbox verdict), and most read before they write (supersede,
    /// claim, the state checks) and answer with more than a receipt. Batching them with other
    /// callers' work would let one command's failure fail unrelated outcomes. They take the
    /// same single writer connection instead: the pool of one queues them behind any inbox
    /// batch in progress, so SQLite never sees two writers, and `BEGIN IMMEDIATE` takes the
    /// write lock before the first read, so what a transaction read cannot change before it
    /// writes. The price is one commit (one fsync) per operation; `claim_due` takes many
    /// commands in one, so the steady state costs one commit per claim batch plus one per
    /// outcome.
    async fn begin_write(
        &self,
        action: &'static str,
    ) -> Result<Transaction<'static, Sqlite>, StoreError> {
        self.writer
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(|source| classify(action, source))
    }

    /// Starts an inbox batch's transaction: on the writer, taking the write lock up front.
    async fn begin_batch(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        self.writer.begin_with("BEGIN IMMEDIATE").await
    }

    /// Starts a read-only transaction whose reads agree with each other (WAL gives a reader
    /// transaction one snapshot).
    async fn begin_snapshot(&self) -> Result<Transaction<'static, Sqlite>, sqlx::Error> {
        self.readers.begin().await
    }

    /// The pool reads go to.
    fn readers(&self) -> &SqlitePool {
        &self.readers
    }

    /// The pool single-statement writes go to: the one writer connection.
    fn writer(&self) -> &SqlitePool {
        &self.writer
    }

    /// Closes every connection; waits for one in use to be returned first.
    pub(crate) async fn close(&self) {
        self.writer.close().await;
        self.readers.close().await;
    }
}

/// The stored text of a time, cut to the millisecond.
pub(crate) fn time_text(time: DateTime<Utc>) -> String {
    timestamp::to_text(timestamp::to_millis(time))
}

// SQLite primary result codes (https://www.sqlite.org/rescode.html). An extended code carries
// its primary code in the low byte.
const SQLITE_BUSY: i32 = 5;
const SQLITE_LOCKED: i32 = 6;
const SQLITE_NOMEM: i32 = 7;
const SQLITE_READONLY: i32 = 8;
const SQLITE_INTERRUPT: i32 = 9;
const SQLITE_IOERR: i32 = 10;
const SQLITE_FULL: i32 = 13;
const SQLITE_CANTOPEN: i32 = 14;
const SQLITE_PROTOCOL: i32 = 15;

/// Sorts a database error into "try later" and "broken", keeping it as the cause.
pub(crate) fn classify(action: &'static str, source: sqlx::Error) -> StoreError {
    if is_transient(&source) {
        StoreError::Unavailable { action, source }
    } else {
        StoreError::Failed { action, source }
    }
}

fn is_transient(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(_) => primary_code(error).is_some_and(|code| {
            matches!(
                code,
                SQLITE_BUSY
                    | SQLITE_LOCKED
                    | SQLITE_NOMEM
                    | SQLITE_READONLY
                    | SQLITE_INTERRUPT
                    | SQLITE_IOERR
                    | SQLITE_FULL
                    | SQLITE_CANTOPEN
                    | SQLITE_PROTOCOL
            )
        }),
        _ => false,
    }
}

/// The primary result code of a database error, e.g. `SQLITE_BUSY` for `SQLITE_BUSY_SNAPSHOT`.
fn primary_code(error: &sqlx::Error) -> Option<i32> {
    match error {
        sqlx::Error::Database(database) => database
            .code()
            .and_then(|code| code.parse::<i32>().ok())
            .map(|code| code & 0xff),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
