//! The write check on real files: one row however often, and each blocker named by its cause.

use std::time::Duration;

use chrono::{TimeDelta, Utc};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

use super::*;
use crate::store::sqlite::SqliteOptions;
use crate::store::tests::{ForeignWriteLock, table_rows};

async fn open_with_busy_timeout(
    dir: &tempfile::TempDir,
    busy_timeout: Duration,
) -> (SqliteStore, std::path::PathBuf) {
    let path = dir.path().join("gatehouse.db");
    let options = SqliteOptions {
        busy_timeout,
        ..SqliteOptions::default()
    };
    (SqliteStore::open(&path, &options).await.unwrap(), path)
}

#[tokio::test]
async fn the_write_check_keeps_one_row_however_often_it_runs() {
    let dir = tempfile::tempdir().unwrap();
    let (store, path) = open_with_busy_timeout(&dir, Duration::from_secs(5)).await;
    let first = Utc::now();
    for seconds in 0..3 {
        store
            .probe_write(first + TimeDelta::seconds(seconds))
            .await
            .unwrap();
    }

    assert_eq!(table_rows(&path, "store_heartbeat").await, 1);
    let written: String = sqlx::query_scalar("SELECT written_at FROM store_heartbeat")
        .fetch_one(&store.readers)
        .await
        .unwrap();
    assert_eq!(written, time_text(first + TimeDelta::seconds(2)));
}

#[tokio::test]
async fn a_write_lock_held_past_the_busy_timeout_is_named_locked() {
    let dir = tempfile::tempdir().unwrap();
    let (store, path) = open_with_busy_timeout(&dir, Duration::from_millis(50)).await;
    let lock = ForeignWriteLock::take(&path).await;

    let refused = store.probe_write(Utc::now()).await.unwrap_err();
    assert_eq!(refused.blocker, Blocker::Locked, "{:?}", refused.source);

    lock.release().await;
    store.probe_write(Utc::now()).await.unwrap();
}

#[tokio::test]
async fn a_database_that_refuses_writes_is_named_read_only() {
    let dir = tempfile::tempdir().unwrap();
    let (store, path) = open_with_busy_timeout(&dir, Duration::from_secs(5)).await;
    store.close().await;
    // What SQLite does on its own when the process may read the file but not write it (it
    // falls back to a read-only open); as root, file modes cannot show it, so ask for it.
    let read_only = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(SqliteConnectOptions::new().filename(&path).read_only(true))
        .await
        .unwrap();
    let store = SqliteStore {
        writer: read_only.clone(),
        readers: read_only,
    };

    let refused = store.probe_write(Utc::now()).await.unwrap_err();
    assert_eq!(refused.blocker, Blocker::ReadOnly, "{:?}", refused.source);
}

#[tokio::test]
async fn a_full_database_is_named_disk_full() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = open_with_busy_timeout(&dir, Duration::from_secs(5)).await;
    // The heartbeat rewrites a page it already has, so a page limit cannot refuse it; a write
    // that needs new pages gets the same SQLITE_FULL a full disk gives.
    let mut connection = store.writer.acquire().await.unwrap();
    let pages: i64 = sqlx::query_scalar("PRAGMA page_count")
        .fetch_one(&mut *connection)
        .await
        .unwrap();
    sqlx::query(&format!("PRAGMA max_page_count = {pages}"))
        .execute(&mut *connection)
        .await
        .unwrap();
    let full = sqlx::query("INSERT INTO store_heartbeat (id, written_at) VALUES (1, ?1)")
        .bind("x".repeat(64 * 1024))
        .execute(&mut *connection)
        .await
        .unwrap_err();

    let refused = refused(classify(CHECKING, full));
    assert_eq!(refused.blocker, Blocker::DiskFull, "{:?}", refused.source);
}

#[tokio::test]
async fn a_closed_writer_is_named_closed() {
    let dir = tempfile::tempdir().unwrap();
    let (store, _) = open_with_busy_timeout(&dir, Duration::from_secs(5)).await;
    store.writer.close().await;

    let refused = store.probe_write(Utc::now()).await.unwrap_err();
    assert_eq!(refused.blocker, Blocker::Closed, "{:?}", refused.source);
}
