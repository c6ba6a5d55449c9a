//! The SQLite backend below the group commit: settings of the writer, and one batch at a time.

use super::*;
use crate::store::error::StoreErrorKind;
use crate::store::group_commit::Batch;
use crate::store::tests::{delivery, row_count};

async fn open_inbox(dir: &tempfile::TempDir) -> (SqliteStore, std::path::PathBuf) {
    let path = dir.path().join("inbox.db");
    let inbox = SqliteStore::open(&path, &SqliteOptions::default())
        .await
        .unwrap();
    (inbox, path)
}

#[tokio::test]
async fn the_writer_waits_for_the_disk_on_every_commit() {
    let dir = tempfile::tempdir().unwrap();
    let (inbox, _) = open_inbox(&dir).await;
    let journal: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(&inbox.writer)
        .await
        .unwrap();
    let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous")
        .fetch_one(&inbox.writer)
        .await
        .unwrap();
    let foreign_keys: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(&inbox.writer)
        .await
        .unwrap();
    assert_eq!(journal, "wal");
    // 2 is FULL: the WAL is synced at every commit, so a commit survives a power cut.
    assert_eq!(synchronous, 2);
    assert_eq!(foreign_keys, 1);
}

/// `.cargo/config.toml` builds SQLite without its allocation counters: their process-wide lock
/// was contended on every row value freed. Fails if that build setting is lost.
#[tokio::test]
async fn sqlite_is_built_without_allocation_counters() {
    let dir = tempfile::tempdir().unwrap();
    let (inbox, _) = open_inbox(&dir).await;
    let options: Vec<String> = sqlx::query_scalar("PRAGMA compile_options")
        .fetch_all(&inbox.readers)
        .await
        .unwrap();
    assert!(
        options.iter().any(|o| o == "DEFAULT_MEMSTATUS=0"),
        "{options:?}"
    );
}

#[tokio::test]
async fn readers_cannot_write() {
    let dir = tempfile::tempdir().unwrap();
    let (inbox, _) = open_inbox(&dir).await;
    let attempt = sqlx::query("DELETE FROM inbox_events")
        .execute(&inbox.readers)
        .await;
    assert!(attempt.is_err());
}

#[tokio::test]
async fn duplicates_within_one_batch_resolve_to_the_first() {
    let dir = tempfile::tempdir().unwrap();
    let (inbox, path) = open_inbox(&dir).await;
    let batch = [
        delivery("partner-portal", "a", b"first a"),
        delivery("partner-portal", "a", b"second a"),
        delivery("partner-portal", "b", b"b"),
        delivery("partner-portal", "a", b"third a"),
    ];

    let receipts = inbox
        .write_batch(
            Batch {
                events: &batch,
                verdicts: &[],
            },
            Utc::now(),
        )
        .await
        .unwrap()
        .receipts;

    assert_eq!(receipts.len(), 4);
    assert!(!receipts[0].duplicate && !receipts[2].duplicate);
    assert_ne!(receipts[0].event_id, receipts[2].event_id);
    for repeat in [&receipts[1], &receipts[3]] {
        assert!(repeat.duplicate);
        assert_eq!(repeat.event_id, receipts[0].event_id);
        assert_eq!(repeat.received_at, receipts[0].received_at);
    }
    assert_eq!(row_count(&path).await, 2);
    let kept = inbox.get(&receipts[0].event_id).await.unwrap().unwrap();
    assert_eq!(kept.body, b"first a");
}

#[tokio::test]
async fn a_statement_failing_mid_batch_leaves_nothing_of_the_batch() {
    let dir = tempfile::tempdir().unwrap();
    let (inbox, path) = open_inbox(&dir).await;
    // A trigger stands in for any statement error: the third insert of the batch fails.
    sqlx::query(
        "CREATE TRIGGER refuse_poison BEFORE INSERT ON inbox_events \
         WHEN NEW.dedupe_key = 'poison' BEGIN SELECT RAISE(ABORT, 'refused'); END",
    )
    .execute(&inbox.writer)
    .await
    .unwrap();
    let batch = [
        delivery("bamboohr", "fine-1", b"{}"),
        delivery("bamboohr", "fine-2", b"{}"),
        delivery("bamboohr", "poison", b"{}"),
    ];

    let error = inbox
        .write_batch(
            Batch {
                events: &batch,
                verdicts: &[],
            },
            Utc::now(),
        )
        .await
        .unwrap_err();

    assert_eq!(error.kind(), StoreErrorKind::Broken, "{error:?}");
    assert_eq!(row_count(&path).await, 0);
}

#[tokio::test]
async fn verdicts_find_their_events_by_id_not_by_walking_the_accepted_ones() {
    let dir = tempfile::tempdir().unwrap();
    let (inbox, _) = open_inbox(&dir).await;
    let verdict = (
        crate::store::EventId::generate(),
        crate::store::InboxStatus::Ignored,
        None,
    );
    let chunk = [verdict];
    let statement = sql::inbox::verdict_update(&chunk, "2026-11-27T00:00:00.000Z");
    let plan: Vec<(i64, i64, i64, String)> =
        sqlx::query_as(&format!("EXPLAIN QUERY PLAN {}", statement.sql()))
            .fetch_all(&inbox.writer)
            .await
            .unwrap();
    let steps: Vec<&str> = plan.iter().map(|step| step.3.as_str()).collect();
    let update = steps
        .iter()
        .find(|step| step.contains("inbox_events"))
        .expect("a step reads inbox_events");
    assert!(
        update.starts_with("SEARCH inbox_events USING INDEX sqlite_autoindex_inbox_events")
            && update.ends_with("(event_id=?)"),
        "{steps:?}"
    );
}
