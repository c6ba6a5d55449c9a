//! The store as its callers see it, on real SQLite files in temporary directories and, for the
//! tests written [`on_both_stores!`](backing::on_both_stores), on PostgreSQL databases made for
//! each test (`backing.rs`).
//!
//! Where a test needs events to pile up in front of the writer, it holds SQLite's write lock from
//! a second connection and waits until the store reports them queued: the batching is then
//! forced by structure, not hoped for by timing.

mod accepting;
mod auditing;
pub(crate) mod backing;
mod batching;
mod claiming;
mod clock;
mod connecting;
mod ending_batches;
mod enqueueing;
mod erasing;
mod fencing;
mod guarding;
mod listing;
mod opening;
mod outbox_relay;
mod outcomes;
mod replicas;
mod retention;
pub(crate) mod samples;
mod status_changes;
mod superseding;
mod turns;
mod waiting;

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::Utc;
use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};

use super::{KeyOrigin, NewEvent, SqliteOptions, Store};

/// Waits until `condition` holds; fails the test if it never does.
pub(crate) async fn wait_for(what: &str, condition: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !condition() {
        assert!(Instant::now() < deadline, "gave up waiting for {what}");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

/// A webhook delivery as the ingress would hand it over.
pub(crate) fn delivery(source: &str, dedupe_key: &str, body: &[u8]) -> NewEvent {
    NewEvent {
        source: source.to_owned(),
        dedupe_key: dedupe_key.to_owned(),
        key_origin: KeyOrigin::Header,
        received_at: Utc::now(),
        source_time: None,
        content_type: "application/json".to_owned(),
        body: body.to_vec(),
        traceparent: None,
    }
}

pub(crate) async fn open(path: &Path) -> Store {
    Store::open_sqlite(path, SqliteOptions::default())
        .await
        .unwrap()
}

/// A store on a new, empty database of the running test's backing (SQLite unless the test is
/// written [`on_both_stores!`](backing::on_both_stores)), which lives as long as the returned
/// guard.
pub(crate) async fn fresh_store() -> (backing::Scratch, Store) {
    let scratch = backing::Scratch::new().await;
    let store = scratch.open().await;
    (scratch, store)
}

/// Rows in the inbox table, counted behind the store's back.
pub(crate) async fn row_count(path: &Path) -> i64 {
    let mut connection = connect(path).await;
    sqlx::query_scalar("SELECT COUNT(*) FROM inbox_events")
        .fetch_one(&mut connection)
        .await
        .unwrap()
}

/// Rows in any table, counted behind the store's back.
pub(crate) async fn table_rows(path: &Path, table: &str) -> i64 {
    let mut connection = connect(path).await;
    sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&mut connection)
        .await
        .unwrap()
}

/// Runs one statement behind the store's back, e.g. a trigger that makes a later write fail.
pub(crate) async fn execute_behind(path: &Path, statement: &str) {
    let mut connection = connect(path).await;
    sqlx::query(statement)
        .execute(&mut connection)
        .await
        .unwrap();
}

async fn connect(path: &Path) -> SqliteConnection {
    SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(path))
        .await
        .unwrap()
}

/// SQLite's write lock, held by another connection (as an operator's `sqlite3` shell might).
pub(crate) struct ForeignWriteLock(SqliteConnection);

impl ForeignWriteLock {
    pub(crate) async fn take(path: &Path) -> Self {
        let mut connection = connect(path).await;
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut connection)
            .await
            .unwrap();
        ForeignWriteLock(connection)
    }

    pub(crate) async fn release(mut self) {
        sqlx::query("COMMIT").execute(&mut self.0).await.unwrap();
    }
}
