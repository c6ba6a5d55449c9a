//! Which database a store test runs on: one test, written once, runs on SQLite and on
//! PostgreSQL.
//!
//! [`on_both_stores!`] turns a test into a module with two tests, `sqlite` and `postgres`; each
//! runs the body with its [`Backing`] set for the task, and [`fresh_store`](super::fresh_store)
//! opens a store on it. The PostgreSQL variant needs a server: `GATEHOUSE_TEST_POSTGRES` holds
//! the URL of a role that may create databases (`scripts/postgres.sh` starts one). Each test gets
//! a database of its own, created before and dropped after, so tests run in parallel. Without
//! the variable the PostgreSQL variant fails when `CI` is set, so a pipeline cannot pass without
//! running it, and elsewhere skips with a printed reason.

use std::sync::Arc;

use secrecy::SecretString;
use sqlx::Connection;
use sqlx::postgres::PgConnection;

use crate::clock::Clock;
use crate::store::{PostgresOptions, SqliteOptions, Store};

/// The variable holding the PostgreSQL server's URL.
pub(crate) const POSTGRES_URL_VAR: &str = "GATEHOUSE_TEST_POSTGRES";

/// The database a store test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Backing {
    Sqlite,
    Postgres,
}

tokio::task_local! {
    static BACKING: Backing;
}

/// Runs `test` with `backing` as the database every store it opens uses.
pub(crate) async fn on(backing: Backing, test: impl Future<Output = ()>) {
    BACKING.scope(backing, test).await
}

/// The backing of the running test; SQLite for tests not written for both.
pub(crate) fn current() -> Backing {
    BACKING
        .try_with(|backing| *backing)
        .unwrap_or(Backing::Sqlite)
}

/// The PostgreSQL server's URL; `None` (with the reason printed) when the variable is unset
/// outside CI. Panics in CI, where a skipped PostgreSQL variant would hide a failure.
pub(crate) fn postgres_url() -> Option<String> {
    match std::env::var(POSTGRES_URL_VAR) {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var_os("CI").is_some() => panic!(
            "{POSTGRES_URL_VAR} is not set, and CI is: the PostgreSQL variant of this test must \
             run (scripts/test.sh starts a server and sets it)"
        ),
        _ => {
            eprintln!(
                "skipped: {POSTGRES_URL_VAR} is not set; source scripts/postgres.sh and run \
                 pg_start to test on PostgreSQL"
            );
            None
        }
    }
}

/// Where a test's store keeps its data; dropping it removes the data.
pub(crate) enum Scratch {
    /// A temporary directory holding the SQLite file.
    Dir(tempfile::TempDir),
    /// A database of its own on the test server.
    Database(ScratchDatabase),
}

impl Scratch {
    /// A new, empty place on the running test's backing.
    pub(crate) async fn new() -> Scratch {
        Scratch::new_on(current()).await
    }

    /// A new, empty place on `backing`.
    pub(crate) async fn new_on(backing: Backing) -> Scratch {
        match backing {
            Backing::Sqlite => Scratch::Dir(tempfile::tempdir().expect("a temporary directory")),
            Backing::Postgres => Scratch::Database(ScratchDatabase::create().await),
        }
    }

    /// Opens a store on this place (again, after a restart), dated by `clock`.
    pub(crate) async fn open_with_clock(&self, clock: Arc<dyn Clock>) -> Store {
        match self {
            Scratch::Dir(dir) => Store::open_sqlite_with_clock(
                &dir.path().join("inbox.db"),
                SqliteOptions::default(),
                clock,
            )
            .await
            .expect("the SQLite store opens"),
            Scratch::Database(database) => Store::open_postgres_with_clock(
                PostgresOptions::new(SecretString::from(database.url.clone())),
                clock,
            )
            .await
            .expect("the PostgreSQL store opens"),
        }
    }

    /// Rows in `table`, counted behind the store's back.
    pub(crate) async fn table_rows(&self, table: &str) -> i64 {
        match self {
            Scratch::Dir(dir) => super::table_rows(&dir.path().join("inbox.db"), table).await,
            Scratch::Database(database) => {
                let mut connection = PgConnection::connect(&database.url)
                    .await
                    .expect("the test database answers");
                sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
                    .fetch_one(&mut connection)
                    .await
                    .expect("the table can be counted")
            }
        }
    }

    /// Runs one statement behind the store's back, e.g. a trigger that makes a later write
    /// fail.
    pub(crate) async fn execute(&self, statement: &str) {
        match self {
            Scratch::Dir(dir) => {
                super::execute_behind(&dir.path().join("inbox.db"), statement).await
            }
            Scratch::Database(database) => {
                let mut connection = PgConnection::connect(&database.url)
                    .await
                    .expect("the test database answers");
                sqlx::raw_sql(statement)
                    .execute(&mut connection)
                    .await
                    .expect("the statement runs");
            }
        }
    }

    /// Opens a store on this place, dated by the system clock.
    pub(crate) async fn open(&self) -> Store {
        self.open_with_clock(Arc::new(crate::clock::SystemClock))
            .await
    }
}

/// A database created for one test on the server `GATEHOUSE_TEST_POSTGRES` names, dropped
/// (with any connection still open to it) when this is dropped.
pub(crate) struct ScratchDatabase {
    server: String,
    name: String,
    pub(crate) url: String,
}

impl ScratchDatabase {
    async fn create() -> ScratchDatabase {
        let server = std::env::var(POSTGRES_URL_VAR).expect("the PostgreSQL variant checked it");
        let name = format!("gatehouse_test_{}", uuid::Uuid::new_v4().simple());
        let mut admin = PgConnection::connect(&server)
            .await
            .expect("the test PostgreSQL server answers");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut admin)
            .await
            .expect("a test database can be created");
        let _ = admin.close().await;
        let mut url = url::Url::parse(&server).expect("the test server's URL parses");
        url.set_path(&name);
        ScratchDatabase {
            server,
            name,
            url: url.to_string(),
        }
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        let server = self.server.clone();
        let statement = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        // Drop cannot await, and may run inside the test's runtime: a thread of its own, with a
        // runtime of its own, drops the database.
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let mut admin = PgConnection::connect(&server).await?;
                sqlx::query(&statement).execute(&mut admin).await?;
                admin.close().await?;
                Ok::<(), Box<dyn std::error::Error + Send + Sync>>(())
            })
        })
        .join();
        if !matches!(dropped, Ok(Ok(()))) {
            eprintln!("the test database {} could not be dropped", self.name);
        }
    }
}

/// Writes a store test once and runs it on both stores: a module named after the test with
/// the tests `sqlite` and `postgres` (see the module documentation).
macro_rules! on_both_stores {
    ($(#[doc = $doc:literal])* async fn $name:ident() $body:block) => {
        $(#[doc = $doc])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test]
            async fn sqlite() {
                $crate::store::tests::backing::on(
                    $crate::store::tests::backing::Backing::Sqlite,
                    async $body,
                )
                .await
            }

            #[tokio::test]
            async fn postgres() {
                if $crate::store::tests::backing::postgres_url().is_none() {
                    return;
                }
                $crate::store::tests::backing::on(
                    $crate::store::tests::backing::Backing::Postgres,
                    async $body,
                )
                .await
            }
        }
    };
}

pub(crate) use on_both_stores;
