//! The outbox as the relay sees it: unpublished events in order, marked once, pruned after.

use chrono::{TimeDelta, Utc};

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
}

#[tokio::test]
async fn marking_nothing_published_changes_nothing() {
    let (_dir, store) = fresh_store().await;
    assert_eq!(store.mark_published(&[]).await.unwrap(), 0);
    assert_eq!(
        store.mark_published(&[OutboxId::generate()]).await.unwrap(),
        0
    );
}
