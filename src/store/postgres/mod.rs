//! The shared store: one PostgreSQL database that every replica connects to.
//!
//! The schema and the statements are SQLite's (the statements are shared, in `store/sql/`),
//! with PostgreSQL's column types; times stay fixed-width text in the `C` collation, so comparing text compares times
//! exactly as on SQLite. What changes is how writers are kept apart, since several processes
//! now write:
//!
//! - **The engine's operations** (enqueue, claim, renew, progress, finish, retry, park, unpark,
//!   release, replay, the heartbeat) each start with `pg_advisory_xact_lock` on one key
//!   ([`ENGINE_LOCK`]), held until the transaction ends. They run one after another across all
//!   replicas, exactly as they do behind SQLite's single write lock, so every read-then-write
//!   (the claim's "nothing of this subject is running", supersede, the fencing checks) decides
//!   on what no other replica can change before it commits. Transactions run at `READ
//!   COMMITTED`: each statement sees every commit made before it, including those of the
//!   previous lock holder. See docs/engine.md, "PostgreSQL".
//! - **The inbox** does not take that lock: a batch's inserts rely on the unique index on
//!   (source, dedupe key) with `ON CONFLICT DO NOTHING`, which waits for a concurrent insert of
//!   the same key on another replica and then finds its row, and verdicts are single `UPDATE …
//!   WHERE status = 'accepted'` statements, which PostgreSQL re-checks on the row it locks.

mod readiness;
// The statements both stores share, compiled here for this driver (see `store/sql/mod.rs`).
#[allow(
    clippy::duplicate_mod,
    reason = "each store compiles the shared statements"
)]
#[path = "../sql/mod.rs"]
mod sql;

use std::time::Duration;

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretString};
use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions, PgSslMode};
use sqlx::{PgConnection, Postgres, Transaction};

use super::error::StoreError;
use super::timestamp;
use crate::config::{PostgresConfig, SecretError, SslMode};

/// The driver's database, by the name the shared statements (`store/sql/`) use.
type Db = Postgres;
/// The driver's connection, by the name the shared statements use.
type Connection = PgConnection;
/// This store, by the name the shared statements use.
type Store = PostgresStore;

/// The inbox status column as a verdict's UPDATE tests it: plainly, as PostgreSQL's statistics
/// keep its planner on the primary key.
const VERDICT_STATUS: &str = "inbox_events.status";

/// The relay's order: commit order, from the sequence every outbox row draws from under the
/// engine lock. Ids come from each replica's own clock, which may disagree by more than the time
/// between two outcomes of one subject.
const OUTBOX_ORDER: &str = "seq";

/// The schema, compiled into the binary. sqlx's migrator takes a session advisory lock on
/// PostgreSQL before it reads or applies migrations, so when several replicas start at once one
/// migrates and the others wait, then find nothing left to apply.
static MIGRATOR: Migrator = sqlx::migrate!("./migrations/postgres");

/// The advisory lock key every engine write holds for its transaction ("gatehous" in ASCII, so
/// it is unlikely to meet another application's key in a shared database).
pub(crate) const ENGINE_LOCK: i64 = 0x6761_7465_686f_7573;

/// How to reach the database; built from `[store] kind = "postgres"`.
#[derive(Debug, Clone)]
pub struct PostgresOptions {
    /// `postgres://user:password@host:port/database`.
    pub url: SecretString,
    /// Connections kept at most.
    pub pool_size: u32,
    /// The server cancels a statement that runs longer (PostgreSQL's `statement_timeout`).
    pub statement_timeout: Duration,
    /// Whether and how the connection is encrypted.
    pub sslmode: SslMode,
    /// The certificate authorities for `verify-ca` / `verify-full`.
    pub ca_file: Option<std::path::PathBuf>,
    /// Most events written in one transaction.
    pub max_batch: usize,
    /// Most events waiting for the writer.
    pub queue_depth: usize,
}

impl PostgresOptions {
    /// Options for `url` with the defaults of `[store] kind = "postgres"`.
    pub fn new(url: SecretString) -> Self {
        PostgresOptions {
            url,
            pool_size: 10,
            statement_timeout: Duration::from_secs(30),
            sslmode: SslMode::Prefer,
            ca_file: None,
            max_batch: 256,
            queue_depth: 4096,
        }
    }

    /// Options from `[store] kind = "postgres"`, its URL read from where the config names it.
    pub fn from_config(config: &PostgresConfig) -> Result<Self, SecretError> {
        let mut options = PostgresOptions::new(config.url.resolve("store.url")?);
        options.pool_size = config.pool_size;
        options.statement_timeout = Duration::from_secs(config.statement_timeout_seconds);
        options.sslmode = config.sslmode;
        options.ca_file = config.ca_file.clone();
        options.max_batch = config.max_batch;
        Ok(options)
    }

    /// The connection settings sqlx takes: the URL's, then the options' on top.
    fn connect_options(&self) -> Result<PgConnectOptions, StoreError> {
        let options: PgConnectOptions = self
            .url
            .expose_secret()
            .parse()
            .map_err(|source| StoreError::Connect { source })?;
        let timeout_ms = self.statement_timeout.as_millis().to_string();
        let mut options = options
            .ssl_mode(match self.sslmode {
                SslMode::Disable => PgSslMode::Disable,
                SslMode::Prefer => PgSslMode::Prefer,
                SslMode::Require => PgSslMode::Require,
                SslMode::VerifyCa => PgSslMode::VerifyCa,
                SslMode::VerifyFull => PgSslMode::VerifyFull,
            })
            .options([("statement_timeout", timeout_ms.as_str())])
            .application_name("gatehouse");
        if let Some(ca_file) = &self.ca_file {
            options = options.ssl_root_cert(ca_file);
        }
        Ok(options)
    }
}

/// The PostgreSQL store: one pool, shared by reads and writes.
#[derive(Clone)]
pub(crate) struct PostgresStore {
    pool: PgPool,
}

impl PostgresStore {
    /// Connects and brings the schema up to date (waiting while another replica migrates).
    pub(crate) async fn open(options: &PostgresOptions) -> Result<Self, StoreError> {
        let pool = PgPoolOptions::new()
            .max_connections(options.pool_size.max(1))
            .connect_with(options.connect_options()?)
            .await
            .map_err(|source| StoreError::Connect { source })?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|source| StoreError::MigrateDatabase { source })?;
        Ok(PostgresStore { pool })
    }

    /// Proves a connection answers.
    pub(crate) async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(|source| classify("checking the store is reachable", source))?;
        Ok(())
    }

    /// Starts a transaction for one engine operation, holding the engine lock until it ends
    /// (see the module comment): what it reads cannot change before it writes, on any replica.
    async fn begin_write(
        &self,
        action: &'static str,
    ) -> Result<Transaction<'static, Postgres>, StoreError> {
        let mut transaction = self
            .pool
            .begin()
            .await
            .map_err(|source| classify(action, source))?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(ENGINE_LOCK)
            .execute(&mut *transaction)
            .await
            .map_err(|source| classify(action, source))?;
        Ok(transaction)
    }

    /// Starts the transaction `gatehouse store copy` fills the tables in (`store/copy`), which
    /// locks them itself.
    pub(in crate::store) async fn begin_copy(
        &self,
    ) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        self.pool.begin().await
    }

    /// Starts an inbox batch's transaction, without the engine lock: the unique index keeps a
    /// key to one row across replicas.
    async fn begin_batch(&self) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        self.pool.begin().await
    }

    /// Starts a read-only transaction whose reads agree with each other: one snapshot, where
    /// `READ COMMITTED` would give each statement its own.
    async fn begin_snapshot(&self) -> Result<Transaction<'static, Postgres>, sqlx::Error> {
        self.pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await
    }

    /// The pool reads go to: the one pool.
    fn readers(&self) -> &PgPool {
        &self.pool
    }

    /// The pool single-statement writes go to: the one pool.
    fn writer(&self) -> &PgPool {
        &self.pool
    }

    /// Closes every connection; waits for those in use to be returned first.
    pub(crate) async fn close(&self) {
        self.pool.close().await;
    }
}

/// The stored text of a time, cut to the millisecond.
pub(crate) fn time_text(time: DateTime<Utc>) -> String {
    timestamp::to_text(timestamp::to_millis(time))
}

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
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(_) => sqlstate(error).is_some_and(|code| is_transient_state(&code)),
        _ => false,
    }
}

/// PostgreSQL's SQLSTATEs worth waiting out
/// (https://www.postgresql.org/docs/current/errcodes-appendix.html): connection exceptions
/// (class 08), serialization failure and deadlock (40001, 40P01), insufficient resources (53),
/// lock not available (55P03), a cancelled statement (57014, the statement timeout), the server
/// shutting down or in recovery (57P01–57P04), and a read-only transaction (25006, a standby).
fn is_transient_state(code: &str) -> bool {
    code.starts_with("08")
        || code.starts_with("53")
        || code.starts_with("57P")
        || matches!(code, "40001" | "40P01" | "55P03" | "57014" | "25006")
}

/// The SQLSTATE of a database error.
fn sqlstate(error: &sqlx::Error) -> Option<String> {
    match error {
        sqlx::Error::Database(database) => database.code().map(std::borrow::Cow::into_owned),
        _ => None,
    }
}
