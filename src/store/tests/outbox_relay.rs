//! The outbox as the relay sees it: unpublished events in order, marked once, pruned after.

use chrono::{TimeDelta, Utc};

use super::backing::on_both_stores;
use super::samples::{at, enqueue_and_claim, finish_as, provision};
use super::{fresh_store, open, table_rows};
use crate::domain::OutcomeKind;
use crate::store::OutboxId;

#[tokio::test]
async fn the_relay_reads_unpublished_events_in_order_marks_them_and_prunes_only_published_ones() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inbox.db");
    let store = open(&path).await;
    let mut commands = Vec::new();
    for subject in ["partner-portal:1", "partner-portal:2", "partner-portal:3"] {
        let claimed = enqueue_and_claim(&store, provision(subject, at(0))).await;
        finish_as(&store, &claimed, OutcomeKind::Succeeded).await;
        commands.push(claimed.command.id);
    }

    let unpublished = store.outbox_unpublished(10).await.unwrap();
    let announced: Vec<_> = unpublished
        .iter()
        .map(|row| row.command_id.clone())
        .collect();
    assert_eq!(announced, commands);
    assert_eq!(store.outbox_unpublished(2).await.unwrap().len(), 2);

    let sent: Vec<OutboxId> = unpublished[..2]
        .iter()
        .map(|row| row.outbox_id.clone())
        .collect();
    assert_eq!(store.mark_published(&sent).await.unwrap(), 2);
    assert_eq!(store.mark_published(&sent).await.unwrap(), 0);
    let first = store.outbox_event(&sent[0]).await.unwrap().unwrap();
    assert_eq!(first.command_id, commands[0]);
    assert!(first.published_at.is_some(), "{first:?}");
    let waiting = store.outbox_event(&unpublished[2].outbox_id).await.unwrap();
    assert_eq!(waiting.as_ref(), Some(&unpublished[2]));
    let left = store.outbox_unpublished(10).await.unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].outbox_id, unpublished[2].outbox_id);

    assert_eq!(
        store
            .prune_outbox(Utc::now() - TimeDelta::hours(1))
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        store
            .prune_outbox(Utc::now() + TimeDelta::minutes(1))
            .await
            .unwrap(),
        2
    );
    assert_eq!(table_rows(&path, "outbox").await, 1);
    assert_eq!(store.outbox_unpublished(10).await.unwrap(), left);
    assert_eq!(store.outbox_event(&sent[0]).await.unwrap(), None, "pruned");
}

on_both_stores! {
    async fn marking_nothing_published_changes_nothing() {
        let (_dir, store) = fresh_store().await;
        assert_eq!(store.mark_published(&[]).await.unwrap(), 0);
        assert_eq!(
            store.mark_published(&[OutboxId::generate()]).await.unwrap(),
            0
        );
    }
}

/// Finishes a provision of `subject` and answers its announcement's row.
async fn announce(store: &crate::store::Store, subject: &str) -> crate::store::OutboxRow {
    let claimed = enqueue_and_claim(store, provision(subject, at(0))).await;
    finish_as(store, &claimed, OutcomeKind::Succeeded).await;
    let rows = store.outbox_unpublished(1000).await.unwrap();
    rows.into_iter()
        .find(|row| row.command_id == claimed.command.id)
        .unwrap()
}

/// A time strictly after every row written so far (the store keeps milliseconds).
async fn a_moment_after(row: &crate::store::OutboxRow) -> chrono::DateTime<Utc> {
    super::wait_for("the clock to pass the row's millisecond", || {
        Utc::now() - row.created_at >= TimeDelta::milliseconds(2)
    })
    .await;
    let moment = Utc::now();
    super::wait_for("the clock to pass the cut-off's millisecond", || {
        Utc::now() - moment >= TimeDelta::milliseconds(2)
    })
    .await;
    moment
}

#[tokio::test]
async fn pruning_everything_deletes_old_rows_published_or_not_and_keeps_newer_ones() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inbox.db");
    let store = open(&path).await;
    let published = announce(&store, "partner-portal:1").await;
    let unpublished = announce(&store, "partner-portal:2").await;
    store
        .mark_published(std::slice::from_ref(&published.outbox_id))
        .await
        .unwrap();
    let cut_off = a_moment_after(&unpublished).await;
    let recent = announce(&store, "partner-portal:3").await;
    assert!(recent.created_at > cut_off);

    assert_eq!(store.prune_outbox_all(cut_off).await.unwrap(), 2);
    assert_eq!(table_rows(&path, "outbox").await, 1);
    let left = store.outbox_unpublished(10).await.unwrap();
    assert_eq!(left, vec![recent]);
    assert_eq!(store.prune_outbox_all(cut_off).await.unwrap(), 0);
}

on_both_stores! {
    async fn pruning_refuses_a_cut_off_the_store_cannot_hold() {
        let (_dir, store) = fresh_store().await;
        let far = chrono::DateTime::<Utc>::MAX_UTC;
        assert!(store.prune_outbox_all(far).await.is_err());
        assert!(store.prune_outbox(far).await.is_err());
    }
}

on_both_stores! {
    async fn finishing_a_command_wakes_the_waiting_relay() {
        let (_dir, store) = fresh_store().await;
        let waiting = tokio::spawn({
            let store = store.clone();
            async move { store.outbox_announced().await }
        });
        announce(&store, "partner-portal:1").await;
        tokio::time::timeout(std::time::Duration::from_secs(60), waiting)
            .await
            .expect("the announcement woke the relay")
            .unwrap();
    }
}

on_both_stores! {
    async fn superseding_a_waiting_command_wakes_the_relay() {
        let (_dir, store) = fresh_store().await;
        store
            .enqueue(None, vec![provision("partner-portal:1", at(0))])
            .await
            .unwrap();
        let waiting = tokio::spawn({
            let store = store.clone();
            async move { store.outbox_announced().await }
        });
        let enqueued = store
            .enqueue(None, vec![provision("partner-portal:1", at(5))])
            .await
            .unwrap();
        assert_eq!(enqueued[0].superseded.len(), 1, "{enqueued:?}");
        tokio::time::timeout(std::time::Duration::from_secs(60), waiting)
            .await
            .expect("the superseded command's announcement woke the relay")
            .unwrap();
        assert_eq!(store.outbox_unpublished(10).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn pruning_more_rows_than_one_chunk_deletes_them_all() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("inbox.db");
    let store = open(&path).await;
    let recent = announce(&store, "partner-portal:recent").await;
    // 12,345 old rows, published and not, written behind the store's back.
    super::execute_behind(
        &path,
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12345) \
         INSERT INTO outbox (outbox_id, subject_key, command_id, event_type, payload, \
         created_at, published_at) SELECT 'out_old_' || i, 'partner-portal:' || i, 'cmd_' || i, \
         'dev.gatehouse.user.provisioned', '{}', '2020-01-01T00:00:00.000Z', \
         CASE WHEN i % 2 = 0 THEN '2020-01-01T00:00:01.000Z' END FROM n",
    )
    .await;
    let cut_off = Utc::now() - TimeDelta::days(365);

    assert_eq!(store.prune_outbox(cut_off).await.unwrap(), 6172);
    assert_eq!(store.prune_outbox_all(cut_off).await.unwrap(), 6173);
    assert_eq!(table_rows(&path, "outbox").await, 1);
    assert_eq!(store.outbox_unpublished(10).await.unwrap(), vec![recent]);
}
