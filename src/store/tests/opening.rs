//! Opening, reopening, readiness and closing.

use std::time::{Duration, Instant};

use super::backing::on_both_stores;
use super::{ForeignWriteLock, delivery, fresh_store, open};
use crate::store::{Blocker, Check, SqliteOptions, Store, StoreError, StoreErrorKind};

#[tokio::test]
async fn events_survive_closing_and_reopening_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inbox.db");
    let store = open(&path).await;
    let mut receipts = Vec::new();
    for key in ["d-1", "d-2", "d-3"] {
        receipts.push(
            store
                .accept(delivery("bamboohr", key, key.as_bytes()))
                .await
                .unwrap(),
        );
    }
    store.close().await;
    drop(store);

    let reopened = open(&path).await;
    for (receipt, key) in receipts.iter().zip(["d-1", "d-2", "d-3"]) {
        let stored = reopened.get(&receipt.event_id).await.unwrap().unwrap();
        assert_eq!(stored.body, key.as_bytes());
    }
    // Deduplication remembers across restarts too.
    let resend = reopened
        .accept(delivery("bamboohr", "d-2", b"again"))
        .await
        .unwrap();
    assert!(resend.duplicate);
    assert_eq!(resend.event_id, receipts[1].event_id);
}

#[tokio::test]
async fn opening_creates_missing_directories() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("var").join("gatehouse").join("inbox.db");
    let store = open(&path).await;
    assert!(path.is_file());
    store
        .accept(delivery("bamboohr", "d-1", b"{}"))
        .await
        .unwrap();
}

#[tokio::test]
async fn an_unwritable_location_is_named_in_the_error() {
    let dir = tempfile::tempdir().unwrap();
    // A regular file where a directory should be: unwritable even for root.
    let blocker = dir.path().join("not-a-directory");
    std::fs::write(&blocker, b"").unwrap();
    let path = blocker.join("inbox.db");

    let error = Store::open_sqlite(&path, SqliteOptions::default())
        .await
        .err()
        .expect("opening below a regular file must fail");

    assert!(matches!(error, StoreError::CreateDir { .. }), "{error:?}");
    assert!(
        error.to_string().contains(&path.display().to_string()),
        "{error}"
    );
}

#[tokio::test]
async fn a_file_that_is_not_a_database_is_refused_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inbox.db");
    std::fs::write(&path, vec![b'x'; 8192]).unwrap();

    let error = Store::open_sqlite(&path, SqliteOptions::default())
        .await
        .err()
        .expect("a file of garbage is not a store");

    assert!(
        error.to_string().contains(&path.display().to_string()),
        "{error}"
    );
    assert_eq!(error.kind(), StoreErrorKind::Broken);
}

on_both_stores! {
    async fn ping_answers_while_open_and_refuses_once_closed() {
        let (_dir, store) = fresh_store().await;
        store.ping().await.unwrap();

        let other_handle = store.clone();
        store.close().await;

        let ping = other_handle.ping().await.unwrap_err();
        assert!(ping.is_unavailable(), "{ping:?}");
        let accept = other_handle
            .accept(delivery("bamboohr", "d-1", b"{}"))
            .await
            .unwrap_err();
        assert!(matches!(accept, StoreError::Closed), "{accept:?}");
        // Closing twice is harmless.
        other_handle.close().await;
    }
}

#[tokio::test]
async fn readiness_gives_up_at_its_timeout_while_another_connection_holds_the_write_lock() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inbox.db");
    let store = open(&path).await;
    store.readiness(Duration::from_secs(5)).await.unwrap();
    let lock = ForeignWriteLock::take(&path).await;

    // The busy timeout (5 s) would wait longer; readiness answers at its own.
    let started = Instant::now();
    let refused = store
        .readiness(Duration::from_millis(200))
        .await
        .unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(
        (refused.check, refused.blocker),
        (Check::Writes, Blocker::TimedOut)
    );

    lock.release().await;
    store.readiness(Duration::from_secs(5)).await.unwrap();
}

on_both_stores! {
    async fn readiness_refuses_once_closed() {
        let (_dir, store) = fresh_store().await;
        store.close().await;

        let refused = store.readiness(Duration::from_secs(5)).await.unwrap_err();
        assert_eq!(refused.blocker, Blocker::Closed, "{refused:?}");
    }
}
