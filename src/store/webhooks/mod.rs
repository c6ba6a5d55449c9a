//! Outcome webhooks on the [`Store`] facade: each outbox event's delivery to each subscriber,
//! and the subscribers' state (failing, disabled).
//!
//! A subscriber's deliveries are written in outbox order when the relay first sees the events,
//! so their `seq` orders them as the outbox does; the relay sends a subject's deliveries one
//! after another in that order. Delivery rows live as long as their outbox event: pruning the
//! event deletes them, and the outbox keeps an event until every subscriber is done with it.

mod backend;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub(crate) use backend::WebhookBackend;

use super::Store;
use super::error::StoreError;
use super::outbox::{OutboxId, OutboxRow};
use crate::domain::SubjectKey;

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// To be sent at its `next_attempt_at`, once the subject's earlier deliveries are done.
    Pending,
    /// The subscriber answered 2xx.
    Delivered,
    /// Retried until its `retry_until` without a 2xx; an operator may replay it.
    Failed,
    /// The subscriber's type or source filter leaves the event out; never sent.
    Filtered,
}

impl DeliveryState {
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryState::Pending => "pending",
            DeliveryState::Delivered => "delivered",
            DeliveryState::Failed => "failed",
            DeliveryState::Filtered => "filtered",
        }
    }

    /// The state named `name`, if it is one.
    pub fn parse(name: &str) -> Option<DeliveryState> {
        [
            DeliveryState::Pending,
            DeliveryState::Delivered,
            DeliveryState::Failed,
            DeliveryState::Filtered,
        ]
        .into_iter()
        .find(|state| state.as_str() == name)
    }
}

/// One event's delivery to one subscriber, as the store keeps it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WebhookDelivery {
    /// The subscriber's order: its deliveries in outbox order.
    pub seq: i64,
    pub subscriber: String,
    /// The event delivered; its `webhook-id` and CloudEvents `id`.
    pub outbox_id: OutboxId,
    pub subject_key: SubjectKey,
    /// The event's CloudEvents type.
    pub event_type: String,
    pub state: DeliveryState,
    /// Requests sent so far.
    pub attempts: u32,
    /// When the relay first saw the event for this subscriber.
    pub created_at: DateTime<Utc>,
    /// When a pending delivery is sent next.
    pub next_attempt_at: Option<DateTime<Utc>>,
    /// Until when a failing delivery is retried; a replay moves it.
    pub retry_until: DateTime<Utc>,
    pub last_attempt_at: Option<DateTime<Utc>>,
    /// The HTTP status of the last answer, when one came.
    pub last_status: Option<u16>,
    /// Why the last attempt failed: the status, a timeout, a refused connection.
    pub last_error: Option<String>,
    pub delivered_at: Option<DateTime<Utc>>,
}

/// A pending delivery with the event it carries.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingDelivery {
    pub delivery: WebhookDelivery,
    pub event: OutboxRow,
}

/// An outbox event a subscriber has not seen, to record as a delivery.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDelivery {
    pub outbox_id: OutboxId,
    pub subject_key: SubjectKey,
    /// The subscriber's filters leave it out: recorded [`DeliveryState::Filtered`].
    pub filtered: bool,
}

/// What one attempt came to.
#[derive(Debug, Clone, PartialEq)]
pub enum Attempt {
    /// A 2xx answer.
    Delivered { status: u16 },
    /// No 2xx answer; sent again at `next_attempt_at`.
    Retry {
        status: Option<u16>,
        error: String,
        next_attempt_at: DateTime<Utc>,
    },
    /// No 2xx answer and the retry window is over (or the subscriber is gone): failed.
    GaveUp { status: Option<u16>, error: String },
}

/// A subscriber's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubscriberState {
    Active,
    /// A delivery was given up; the next delivered one makes it active again.
    Failing,
    /// It answered `410 Gone`: nothing is sent until an operator enables it.
    Disabled,
}

impl SubscriberState {
    pub fn as_str(self) -> &'static str {
        match self {
            SubscriberState::Active => "active",
            SubscriberState::Failing => "failing",
            SubscriberState::Disabled => "disabled",
        }
    }

    fn parse(name: &str) -> Option<SubscriberState> {
        [
            SubscriberState::Active,
            SubscriberState::Failing,
            SubscriberState::Disabled,
        ]
        .into_iter()
        .find(|state| state.as_str() == name)
    }
}

/// A subscriber's recorded state; one never recorded is active.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubscriberStatus {
    pub subscriber: String,
    pub state: SubscriberState,
    pub reason: Option<String>,
    pub changed_at: DateTime<Utc>,
}

/// Which deliveries a listing shows: one subscriber's (or every one's), in one state (or
/// every state but `filtered`), after `after_seq`, oldest first.
#[derive(Debug, Clone, Default)]
pub struct DeliveryFilter {
    pub subscriber: Option<String>,
    pub state: Option<DeliveryState>,
    pub subject: Option<SubjectKey>,
    pub after_seq: Option<i64>,
    pub limit: u32,
}

impl Store {
    /// Up to `limit` outbox events `subscriber` has no delivery for, in outbox order.
    pub async fn webhook_unseen(
        &self,
        subscriber: &str,
        limit: u32,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        self.backend().webhook_unseen(subscriber, limit).await
    }

    /// Records deliveries for `subscriber` in the order given, pending (due now, retried until
    /// `retry_until`) or filtered; one already recorded is left as it is.
    pub async fn add_webhook_deliveries(
        &self,
        subscriber: &str,
        deliveries: &[NewDelivery],
        retry_until: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if deliveries.is_empty() {
            return Ok(());
        }
        self.backend()
            .add_webhook_deliveries(subscriber, deliveries, self.now(), retry_until)
            .await
    }

    /// Up to `limit` of `subscriber`'s pending deliveries with their events, in order.
    pub async fn webhook_pending(
        &self,
        subscriber: &str,
        limit: u32,
    ) -> Result<Vec<PendingDelivery>, StoreError> {
        self.backend().webhook_pending(subscriber, limit).await
    }

    /// Records an attempt at a pending delivery; a delivery no longer pending is left alone.
    /// Answers whether it was recorded.
    pub async fn record_webhook_attempt(
        &self,
        subscriber: &str,
        outbox_id: &OutboxId,
        attempt: &Attempt,
    ) -> Result<bool, StoreError> {
        self.backend()
            .record_webhook_attempt(subscriber, outbox_id, attempt, self.now())
            .await
    }

    /// Deliveries as `filter` picks them.
    pub async fn webhook_deliveries(
        &self,
        filter: &DeliveryFilter,
    ) -> Result<Vec<WebhookDelivery>, StoreError> {
        self.backend().webhook_deliveries(filter).await
    }

    /// Makes a delivered or failed delivery pending again, due now and retried until
    /// `retry_until`; answers the delivery, or `None` when there is none (or it is filtered).
    pub async fn replay_webhook_delivery(
        &self,
        subscriber: &str,
        outbox_id: &OutboxId,
        retry_until: DateTime<Utc>,
    ) -> Result<Option<WebhookDelivery>, StoreError> {
        self.backend()
            .replay_webhook_delivery(subscriber, outbox_id, self.now(), retry_until)
            .await
    }

    /// Every subscriber whose state was ever recorded.
    pub async fn webhook_subscribers(&self) -> Result<Vec<SubscriberStatus>, StoreError> {
        self.backend().webhook_subscribers().await
    }

    /// Records `subscriber`'s state, with why; answers whether it changed.
    pub async fn set_webhook_subscriber(
        &self,
        subscriber: &str,
        state: SubscriberState,
        reason: Option<&str>,
    ) -> Result<bool, StoreError> {
        self.backend()
            .set_webhook_subscriber(subscriber, state, reason, self.now())
            .await
    }

    /// Deletes outbox events older than `older_than` that every subscriber of `subscribers`
    /// is done with (delivered, failed or filtered), and published ones only when
    /// `published_only`; then the deliveries of events no longer in the outbox. Answers how
    /// many events went.
    pub async fn prune_outbox_delivered(
        &self,
        older_than: DateTime<Utc>,
        published_only: bool,
        subscribers: &[String],
    ) -> Result<u64, StoreError> {
        if !crate::store::timestamp::is_storable(older_than) {
            return Err(StoreError::InvalidTime("the pruning cut-off"));
        }
        self.backend()
            .prune_outbox_delivered(older_than, published_only, subscribers)
            .await
    }
}

/// Parses a stored subscriber state.
pub(crate) fn subscriber_state(name: &str) -> Option<SubscriberState> {
    SubscriberState::parse(name)
}
