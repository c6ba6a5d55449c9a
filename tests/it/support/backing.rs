//! Which store the services a test starts keep their data in: SQLite, or PostgreSQL when the
//! test is written [`on_both_stores!`](crate::on_both_stores) and runs as its `postgres` variant.
//!
//! The PostgreSQL server is the one `GATEHOUSE_TEST_POSTGRES` names (`scripts/test.sh` starts
//! one); each store folder gets a database of its own on it, created when a service first
//! starts on the folder and dropped when the last service, builder and app holding it are gone,
//! so tests run in parallel and a restart on the same folder finds the same database. Without
//! the variable the PostgreSQL variant fails when `CI` is set and skips, saying so, elsewhere.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};

use sqlx::Connection;
use sqlx::postgres::PgConnection;

/// The variable holding the PostgreSQL server's URL.
pub const POSTGRES_URL_VAR: &str = "GATEHOUSE_TEST_POSTGRES";

/// The store a test's services use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backing {
    Sqlite,
    Postgres,
}

tokio::task_local! {
    static BACKING: Backing;
}

/// Runs `test` with `backing` as the store of every service it starts.
pub async fn on(backing: Backing, test: impl Future<Output = ()>) {
    BACKING.scope(backing, test).await
}

/// The running test's store; SQLite for tests not written for both.
pub fn current() -> Backing {
    BACKING
        .try_with(|backing| *backing)
        .unwrap_or(Backing::Sqlite)
}

/// The server's URL; `None` (the reason printed) when the variable is unset outside CI.
/// Panics in CI, where a skipped PostgreSQL variant would hide a failure.
pub fn postgres_url() -> Option<String> {
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

/// A database made for one store folder, dropped with the last handle on it.
pub struct ScratchDatabase {
    server: String,
    name: String,
    /// The URL a service's `[store] url` names.
    pub url: String,
}

/// The databases of the store folders alive now, so a restart on a folder finds its database.
static DATABASES: Mutex<Option<HashMap<PathBuf, Weak<ScratchDatabase>>>> = Mutex::new(None);

impl ScratchDatabase {
    /// The database of the store folder `dir` on the running test's backing: `None` on SQLite;
    /// the folder's database, made now if it has none yet, on PostgreSQL.
    pub fn for_folder(dir: &Path) -> Option<Arc<ScratchDatabase>> {
        if current() == Backing::Sqlite {
            return None;
        }
        let mut databases = DATABASES
            .lock()
            .unwrap_or_else(|poison| poison.into_inner());
        let databases = databases.get_or_insert_with(HashMap::new);
        if let Some(database) = databases.get(dir).and_then(Weak::upgrade) {
            return Some(database);
        }
        let database = Arc::new(ScratchDatabase::create());
        databases.insert(dir.to_owned(), Arc::downgrade(&database));
        Some(database)
    }

    fn create() -> ScratchDatabase {
        let server = std::env::var(POSTGRES_URL_VAR).expect("the PostgreSQL variant checked it");
        let name = format!("gatehouse_it_{}", uuid::Uuid::new_v4().simple());
        on_server(&server, format!("CREATE DATABASE {name}")).expect("a test database is made");
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
        let statement = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        if on_server(&self.server, statement).is_err() {
            eprintln!("the test database {} could not be dropped", self.name);
        }
    }
}

/// Runs one statement on the server's maintenance database, on a thread and runtime of its
/// own: callers may be inside a runtime, or in a destructor, where nothing can be awaited.
fn on_server(
    server: &str,
    statement: String,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let server = server.to_owned();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        runtime.block_on(async {
            let mut admin = PgConnection::connect(&server).await?;
            sqlx::query(&statement).execute(&mut admin).await?;
            admin.close().await?;
            Ok(())
        })
    })
    .join()
    .map_err(|_| "the statement's thread panicked")?
}

/// Writes an integration test once and runs it on both stores: a module named after the test,
/// with the tests `sqlite` and `postgres`.
#[macro_export]
macro_rules! on_both_stores {
    ($(#[doc = $doc:literal])* async fn $name:ident() $body:block) => {
        $(#[doc = $doc])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            #[tokio::test]
            async fn sqlite() {
                $crate::support::backing::on($crate::support::backing::Backing::Sqlite, async $body)
                    .await
            }

            #[tokio::test]
            async fn postgres() {
                if $crate::support::backing::postgres_url().is_none() {
                    return;
                }
                $crate::support::backing::on($crate::support::backing::Backing::Postgres, async $body)
                    .await
            }
        }
    };
}
