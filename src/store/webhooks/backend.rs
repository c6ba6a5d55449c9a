//! The webhook deliveries' share of the [`Backend`](crate::store::backend::Backend): a trait of
//! its own that every backend also implements, under the same contract.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{
    Attempt, DeliveryFilter, NewDelivery, PendingDelivery, SubscriberState, SubscriberStatus,
    WebhookDelivery,
};
use crate::store::error::StoreError;
use crate::store::outbox::{OutboxId, OutboxRow};

#[async_trait]
pub(crate) trait WebhookBackend: Send + Sync + 'static {
    /// Up to `limit` outbox events with no delivery row for `subscriber`, in outbox order.
    async fn webhook_unseen(
        &self,
        subscriber: &str,
        limit: u32,
    ) -> Result<Vec<OutboxRow>, StoreError>;

    /// Inserts the deliveries in the order given, in one transaction; existing ones are kept.
    async fn add_webhook_deliveries(
        &self,
        subscriber: &str,
        deliveries: &[NewDelivery],
        now: DateTime<Utc>,
        retry_until: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Up to `limit` pending deliveries of `subscriber` with their events, by `seq`.
    async fn webhook_pending(
        &self,
        subscriber: &str,
        limit: u32,
    ) -> Result<Vec<PendingDelivery>, StoreError>;

    /// Records an attempt at a delivery that is still pending.
    async fn record_webhook_attempt(
        &self,
        subscriber: &str,
        outbox_id: &OutboxId,
        attempt: &Attempt,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// Deliveries as the filter picks them, by `seq`.
    async fn webhook_deliveries(
        &self,
        filter: &DeliveryFilter,
    ) -> Result<Vec<WebhookDelivery>, StoreError>;

    /// Makes a delivered or failed delivery pending again.
    async fn replay_webhook_delivery(
        &self,
        subscriber: &str,
        outbox_id: &OutboxId,
        now: DateTime<Utc>,
        retry_until: DateTime<Utc>,
    ) -> Result<Option<WebhookDelivery>, StoreError>;

    /// Every recorded subscriber state.
    async fn webhook_subscribers(&self) -> Result<Vec<SubscriberStatus>, StoreError>;

    /// Records a subscriber's state; answers whether it changed.
    async fn set_webhook_subscriber(
        &self,
        subscriber: &str,
        state: SubscriberState,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// Prunes the outbox events every listed subscriber is done with, chunk by chunk, then the
    /// deliveries whose event is gone.
    async fn prune_outbox_delivered(
        &self,
        older_than: DateTime<Utc>,
        published_only: bool,
        subscribers: &[String],
    ) -> Result<u64, StoreError>;
}
