//! The outbox on the [`Store`] facade, for the relay and the pruner.

use chrono::{DateTime, Utc};

use super::{OutboxId, OutboxRow};
use crate::store::Store;
use crate::store::error::StoreError;

impl Store {
    /// Up to `limit` events not yet published, oldest first: the order the relay publishes in.
    pub async fn outbox_unpublished(&self, limit: u32) -> Result<Vec<OutboxRow>, StoreError> {
        self.backend().outbox_unpublished(limit).await
    }

    /// The event with this id, published or not; `None` once pruned (or never written). What
    /// an operator, or a test, looks up by a consumed event's `ce_id`.
    pub async fn outbox_event(&self, id: &OutboxId) -> Result<Option<OutboxRow>, StoreError> {
        self.backend().outbox_event(id).await
    }

    /// Records that these events reached the broker; answers how many were newly marked.
    /// Marking twice keeps the first publish time.
    pub async fn mark_published(&self, ids: &[OutboxId]) -> Result<u64, StoreError> {
        self.backend().mark_published(ids, self.now()).await
    }

    /// Deletes events published before `older_than`; answers how many. Unpublished events are
    /// never deleted, however old.
    pub async fn prune_outbox(&self, older_than: DateTime<Utc>) -> Result<u64, StoreError> {
        if !crate::store::timestamp::is_storable(older_than) {
            return Err(StoreError::InvalidTime("the pruning cut-off"));
        }
        self.backend().prune_outbox(older_than).await
    }

    /// Deletes every event created before `older_than`, published or not; answers how many.
    /// For deployments that publish no outcome events: nothing will ever mark the rows, and the
    /// outbox must not grow forever.
    pub async fn prune_outbox_all(&self, older_than: DateTime<Utc>) -> Result<u64, StoreError> {
        if !crate::store::timestamp::is_storable(older_than) {
            return Err(StoreError::InvalidTime("the pruning cut-off"));
        }
        self.backend().prune_outbox_all(older_than).await
    }

    /// Returns once an outcome was announced (written to the outbox) since the last time it
    /// returned, at once if one was meanwhile. For the one relay of a process: with several
    /// waiting, one is woken per announcement.
    pub async fn outbox_announced(&self) {
        self.shared.announced.notified().await
    }

    /// Wakes the relay: a transaction that wrote outbox rows committed.
    pub(crate) fn announced(&self) {
        self.shared.announced.notify_one();
        self.shared.announcements.send_modify(|count| *count += 1);
    }

    /// A watch that changes whenever outcomes are announced: each webhook subscriber's relay
    /// holds one, and wakes at once rather than at its next poll.
    pub fn outbox_announcements(&self) -> tokio::sync::watch::Receiver<u64> {
        self.shared.announcements.subscribe()
    }
}
