//! The copy from SQLite to PostgreSQL: what it moves, what it refuses, and that a store opened on
//! the copy answers as the original did and carries on after it.
//!
//! The refusals decided on the SQLite side never reach PostgreSQL and always run here. The
//! tests that copy (`postgres.rs`) use the server `GATEHOUSE_TEST_POSTGRES` names, like the
//! store's other PostgreSQL tests (`store/tests/backing.rs`): without it they skip, saying so
//! (and fail in CI).

mod postgres;

use std::collections::BTreeSet;
use std::path::Path;

use secrecy::SecretString;
use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};

use super::tables::{Kind, TABLES};
use super::{CopyError, CopySummary, copy_sqlite_to_postgres, source};
use crate::store::tests::backing::Scratch;
use crate::store::tests::execute_behind;
use crate::store::{PostgresOptions, SqliteOptions, Store};

/// Tables of the SQLite store that are deliberately not copied, with the reason.
const NOT_COPIED: &[(&str, &str)] = &[
    (
        "store_heartbeat",
        "the readiness check's last write, rewritten by every replica",
    ),
    ("_sqlx_migrations", "each store's own schema history"),
    ("sqlite_sequence", "SQLite's own bookkeeping"),
    (
        "task_turns",
        "which replica runs each periodic task: taken afresh by the replicas",
    ),
    (
        "replicas",
        "the replicas alive, each registering itself as it runs",
    ),
];

/// A database no test reaches: for refusals decided before the copy connects.
pub(super) fn nowhere() -> PostgresOptions {
    PostgresOptions::new(SecretString::from("postgres://nobody@127.0.0.1:9/nowhere"))
}

pub(super) async fn copy(
    from: &Path,
    to: &PostgresOptions,
    page: u32,
) -> Result<CopySummary, CopyError> {
    copy_sqlite_to_postgres(from, to, page, &mut |_| {}).await
}

pub(super) fn options_of(target: &Scratch) -> PostgresOptions {
    match target {
        Scratch::Database(database) => {
            PostgresOptions::new(SecretString::from(database.url.clone()))
        }
        Scratch::Dir(_) => unreachable!("the target is a PostgreSQL database"),
    }
}

/// A new SQLite store file (schema made, nothing stored), in a folder held by the answer.
pub(super) async fn empty_sqlite_store() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gatehouse.db");
    Store::open_sqlite(&path, SqliteOptions::default())
        .await
        .unwrap()
        .close()
        .await;
    (dir, path)
}

#[tokio::test]
async fn the_copy_names_every_table_and_column_of_the_sqlite_store() {
    let (_dir, path) = empty_sqlite_store().await;
    let mut connection =
        SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(&path))
            .await
            .unwrap();
    let stored: BTreeSet<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
            .fetch_all(&mut connection)
            .await
            .unwrap()
            .into_iter()
            .collect();
    let named: BTreeSet<String> = TABLES
        .iter()
        .map(|table| table.name)
        .chain(NOT_COPIED.iter().map(|(name, _)| *name))
        .map(str::to_owned)
        .collect();
    // Every table of the store is either copied or named as not copied; a name among those not
    // copied may belong to a later schema.
    let unnamed: Vec<&String> = stored.difference(&named).collect();
    assert!(
        unnamed.is_empty(),
        "neither copied nor said not to be: {unnamed:?}"
    );
    for table in TABLES {
        assert!(
            stored.contains(table.name),
            "{} is in the store",
            table.name
        );
    }
    for table in TABLES {
        let mut stored: Vec<(String, String)> =
            sqlx::query_as("SELECT name, type FROM pragma_table_info($1)")
                .bind(table.name)
                .fetch_all(&mut connection)
                .await
                .unwrap();
        stored.sort();
        let mut named: Vec<(String, String)> = table
            .columns
            .iter()
            .map(|column| {
                let kind = match column.kind {
                    Kind::Text => "TEXT",
                    Kind::Integer => "INTEGER",
                    Kind::Blob => "BLOB",
                };
                (column.name.to_owned(), kind.to_owned())
            })
            .collect();
        named.sort();
        assert_eq!(stored, named, "the columns of {}", table.name);
        assert!(table.columns.iter().any(|column| column.name == table.key));
    }
}

#[test]
fn a_store_is_copied_only_at_the_schema_this_build_writes() {
    let path = Path::new("var/gatehouse.db");
    assert!(source::schema_verdict(path, &[1, 2, 3], &[1, 2, 3]).is_ok());
    let behind = source::schema_verdict(path, &[1, 2], &[1, 2, 3, 4]).unwrap_err();
    assert!(matches!(&behind, CopyError::SourceBehind { versions, .. } if versions == "3, 4"));
    assert!(behind.to_string().contains("gatehouse serve"), "{behind}");
    let ahead = source::schema_verdict(path, &[1, 2, 3, 7], &[1, 2, 3]).unwrap_err();
    assert!(matches!(&ahead, CopyError::SourceAhead { versions, .. } if versions == "7"));
}

#[tokio::test]
async fn a_missing_source_file_is_refused_and_not_created() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such.db");
    let refused = copy(&path, &nowhere(), 10).await.unwrap_err();
    assert!(
        matches!(refused, CopyError::SourceMissing { .. }),
        "{refused:?}"
    );
    assert!(refused.to_string().contains("--from sqlite:"), "{refused}");
    assert!(!path.exists());
}

#[tokio::test]
async fn a_store_another_process_has_open_is_refused() {
    let (_dir, path) = empty_sqlite_store().await;
    let running = Store::open_sqlite(&path, SqliteOptions::default())
        .await
        .unwrap();
    let refused = copy(&path, &nowhere(), 10).await.unwrap_err();
    assert!(
        matches!(refused, CopyError::SourceInUse { .. }),
        "{refused:?}"
    );
    assert!(
        refused.to_string().contains("stop `gatehouse serve`"),
        "{refused}"
    );
    running.close().await;
}

#[tokio::test]
async fn a_store_behind_this_schema_is_refused() {
    let (_dir, path) = empty_sqlite_store().await;
    execute_behind(&path, "DELETE FROM _sqlx_migrations WHERE version = 5").await;
    let refused = copy(&path, &nowhere(), 10).await.unwrap_err();
    assert!(
        matches!(&refused, CopyError::SourceBehind { versions, .. } if versions == "5"),
        "{refused:?}"
    );
}

#[tokio::test]
async fn a_page_size_out_of_range_is_refused() {
    let (_dir, path) = empty_sqlite_store().await;
    for size in [0, super::MAX_PAGE_SIZE + 1] {
        let refused = copy(&path, &nowhere(), size).await.unwrap_err();
        assert!(matches!(refused, CopyError::PageSize(_)), "{refused:?}");
    }
}
