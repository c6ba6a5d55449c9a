//! `accept`: durable, idempotent, and sharing commits between concurrent callers.

use std::collections::HashSet;
use std::time::Duration;

use chrono::{TimeDelta, TimeZone, Utc};

use super::backing::on_both_stores;
use super::{ForeignWriteLock, delivery, fresh_store, open, row_count, wait_for};
use crate::store::{
    InboxStatus, KeyOrigin, SqliteOptions, Store, StoreError, StoreErrorKind, timestamp,
};

on_both_stores! {
    async fn an_accepted_event_reads_back_exactly_as_given() {
        let (_dir, store) = fresh_store().await;
        let mut event = delivery("bamboohr", "delivery-1", &[0, 159, 146, 150, 255, b'{']);
        event.key_origin = KeyOrigin::ContentHash;
        event.source_time = Some(Utc.with_ymd_and_hms(2024, 2, 29, 23, 59, 59).unwrap());
        event.traceparent = Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".into());
        event.received_at += TimeDelta::nanoseconds(123_456);

        let receipt = store.accept(event.clone()).await.unwrap();
        let stored = store.get(&receipt.event_id).await.unwrap().unwrap();

        assert_eq!(receipt.status, InboxStatus::Accepted);
        assert!(!receipt.duplicate);
        assert_eq!(receipt.received_at, timestamp::to_millis(event.received_at));
        assert_eq!(stored.event_id, receipt.event_id);
        assert_eq!(stored.body, event.body);
        assert_eq!(
            (stored.source.as_str(), stored.dedupe_key.as_str()),
            ("bamboohr", "delivery-1")
        );
        assert_eq!(stored.key_origin, KeyOrigin::ContentHash);
        assert_eq!(stored.received_at, receipt.received_at);
        assert_eq!(stored.source_time, event.source_time);
        assert_eq!(stored.content_type, "application/json");
        assert_eq!(stored.traceparent, event.traceparent);
        assert_eq!(stored.status, InboxStatus::Accepted);
        assert_eq!(
            (stored.reason, stored.attempts, stored.replays),
            (None, 0, 0)
        );
        assert_eq!(stored.replayed_at, None);
    }
}

#[tokio::test]
async fn a_resend_gets_the_first_receipt_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inbox.db");
    let store = open(&path).await;
    let first = store
        .accept(delivery("partner-portal", "4711-signup", b"first"))
        .await
        .unwrap();

    let mut resend = delivery("partner-portal", "4711-signup", b"second");
    resend.received_at = first.received_at + TimeDelta::minutes(5);
    let again = store.accept(resend).await.unwrap();

    assert_eq!(again.event_id, first.event_id);
    assert_eq!(again.received_at, first.received_at);
    assert!(again.duplicate);
    assert_eq!(row_count(&path).await, 1);
    let stored = store.get(&first.event_id).await.unwrap().unwrap();
    assert_eq!(stored.body, b"first");
    assert_eq!(store.stats().duplicates, 1);
}

#[tokio::test]
async fn the_same_key_from_another_source_is_another_event() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inbox.db");
    let store = open(&path).await;
    let portal = store
        .accept(delivery("partner-portal", "42", b"{}"))
        .await
        .unwrap();
    let hr = store
        .accept(delivery("bamboohr", "42", b"{}"))
        .await
        .unwrap();
    assert_ne!(portal.event_id, hr.event_id);
    assert!(!hr.duplicate);
    assert_eq!(row_count(&path).await, 2);
}

on_both_stores! {
    async fn a_resend_after_mapping_reports_the_current_status() {
        let (_dir, store) = fresh_store().await;
        let first = store
            .accept(delivery("bamboohr", "d-9", b"{}"))
            .await
            .unwrap();
        store
            .mark(&first.event_id, InboxStatus::Mapped, None)
            .await
            .unwrap();

        let again = store
            .accept(delivery("bamboohr", "d-9", b"{}"))
            .await
            .unwrap();

        assert_eq!(again.event_id, first.event_id);
        assert_eq!(again.status, InboxStatus::Mapped);
        assert!(again.duplicate);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_hundred_concurrent_accepts_share_a_few_commits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inbox.db");
    let options = SqliteOptions {
        // Long enough that the writer waits out the held lock instead of failing.
        busy_timeout: Duration::from_secs(300),
        queue_depth: 1024,
        ..SqliteOptions::default()
    };
    let store = Store::open_sqlite(&path, options).await.unwrap();
    let lock = ForeignWriteLock::take(&path).await;

    let tasks: Vec<_> = (0..500)
        .map(|i| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .accept(delivery("partner-portal", &format!("signup-{i}"), b"{}"))
                    .await
            })
        })
        .collect();
    wait_for("all 500 events to be queued", || {
        store.stats().queued == 500
    })
    .await;
    assert!(tasks.iter().all(|task| !task.is_finished()));
    lock.release().await;

    let mut ids = HashSet::new();
    for task in tasks {
        let receipt = task.await.unwrap().unwrap();
        assert!(!receipt.duplicate);
        ids.insert(receipt.event_id);
    }
    assert_eq!(ids.len(), 500);
    assert_eq!(row_count(&path).await, 500);
    let stats = store.stats();
    assert_eq!(stats.events, 500);
    // The writer may hold the first arrivals in a batch of their own; the rest were all queued
    // when the lock went away and fill batches of at most 256: three transactions at most.
    assert!(stats.batches <= 3, "{stats:?}");
    assert!(stats.batches < stats.events);
}

#[tokio::test]
async fn a_locked_database_is_reported_unavailable_and_nothing_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inbox.db");
    let options = SqliteOptions {
        busy_timeout: Duration::from_millis(50),
        ..SqliteOptions::default()
    };
    let store = Store::open_sqlite(&path, options).await.unwrap();
    let lock = ForeignWriteLock::take(&path).await;

    let error = store
        .accept(delivery("bamboohr", "d-1", b"{}"))
        .await
        .unwrap_err();
    assert!(matches!(error, StoreError::BatchFailed(_)), "{error:?}");
    assert_eq!(error.kind(), StoreErrorKind::Unavailable);

    lock.release().await;
    let resend = store
        .accept(delivery("bamboohr", "d-1", b"{}"))
        .await
        .unwrap();
    assert!(
        !resend.duplicate,
        "the failed delivery must not have been kept"
    );
    assert_eq!(store.stats().failed_batches, 1);
}

#[tokio::test]
async fn an_event_the_store_cannot_keep_faithfully_is_refused_before_queueing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inbox.db");
    let store = open(&path).await;
    let no_key = delivery("bamboohr", "", b"{}");
    let mut far_future = delivery("bamboohr", "d-2", b"{}");
    far_future.source_time = Some(Utc.with_ymd_and_hms(12000, 1, 1, 0, 0, 0).unwrap());

    for event in [no_key, far_future] {
        let error = store.accept(event).await.unwrap_err();
        assert_eq!(error.kind(), StoreErrorKind::Invalid, "{error:?}");
    }
    assert_eq!(row_count(&path).await, 0);
}

on_both_stores! {
    async fn events_accepted_together_are_answered_in_order_with_resends_and_refusals_in_place() {
        let (dir, store) = fresh_store().await;
        let known = store
            .accept(delivery("partner-portal", "known", b"earlier"))
            .await
            .unwrap();
        // More than one INSERT statement's worth of rows, a resend of a row of the same call far
        // from it, a row the store refuses, and a resend of an event stored before.
        let mut events: Vec<_> = (0..600)
            .map(|i| delivery("partner-portal", &format!("k{i}"), b"{}"))
            .collect();
        events[400] = delivery("partner-portal", "k3", b"again");
        events[401].dedupe_key = String::new();
        events[402] = delivery("partner-portal", "known", b"later");

        let answers = store.accept_all(events).await;

        assert_eq!(answers.len(), 600);
        assert!(matches!(answers[401], Err(StoreError::InvalidEvent(_))));
        let receipt = |i: usize| answers[i].as_ref().unwrap();
        assert!(receipt(400).duplicate);
        assert_eq!(receipt(400).event_id, receipt(3).event_id);
        assert!(receipt(402).duplicate);
        assert_eq!(receipt(402).event_id, known.event_id);
        let fresh: Vec<_> = (0..600)
            .filter(|i| ![400, 401, 402].contains(i))
            .map(|i| receipt(i).clone())
            .collect();
        assert!(fresh.iter().all(|r| !r.duplicate));
        assert!(
            fresh.windows(2).all(|w| w[0].event_id < w[1].event_id),
            "ids follow the order given"
        );
        assert_eq!(dir.table_rows("inbox_events").await, 1 + 597);
    }
}
