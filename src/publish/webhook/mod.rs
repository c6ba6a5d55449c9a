//! The webhook relay: delivers the outbox's events to each `[[outcomes.webhooks]]` subscriber
//! by HTTP POST, signed per Standard Webhooks, at least once and in each subject's order.
//!
//! Each subscriber has its own relay (and its own turn, so one replica sends to it at a time).
//! A pass first records a delivery for every outbox event the subscriber has not seen, in
//! outbox order (`filtered` when its type or source filter leaves the event out), then sends
//! the due head of each subject's pending deliveries, several subjects at once: a subject's
//! later event waits until its earlier one is delivered or given up.
//!
//! An answer in 2xx delivers. `410 Gone` disables the subscriber (nothing more is sent until an
//! operator enables it; its deliveries wait). Anything else — another status, a timeout, a
//! refused connection — is tried again on the [`schedule`], until the subscriber's
//! `retry_hours` have passed since the event was first seen: then the delivery is `failed` and
//! the subscriber marked failing (a metric, and an alert in docs/operations.md) until one of its
//! deliveries succeeds. Deliveries are rows of the store, so a restart resumes where it was;
//! every attempt at an event carries the same `webhook-id`, its outbox id.

mod deliver;
pub mod message;
mod run;
pub mod schedule;

use std::sync::Arc;

pub use deliver::Pass;
pub use run::{POLL, spawn};

use crate::clock::Clock;
use crate::config::{ResolvedSubscriber, Settings};
use crate::store::{NewDelivery, OutboxRow, Store, StoreError, SubscriberState, SubscriberStatus};
use crate::telemetry::Metrics;
use crate::telemetry::events::WebhookSubscriberState;

/// Outbox events read, and deliveries considered, per pass.
const BATCH: u32 = 500;
/// Requests in flight at once to one subscriber (each for a different subject).
const CONCURRENCY: usize = 16;

/// Why the webhook relays could not be built.
#[derive(Debug, thiserror::Error)]
pub enum WebhookError {
    #[error(transparent)]
    Subscriber(#[from] crate::config::outcomes::SubscriberError),
    #[error("building the HTTP client of webhook subscriber {subscriber}: {source}")]
    Client {
        subscriber: String,
        #[source]
        source: reqwest::Error,
    },
}

/// Delivers the outbox to one subscriber.
pub struct WebhookRelay {
    store: Store,
    clock: Arc<dyn Clock>,
    metrics: Metrics,
    subscriber: ResolvedSubscriber,
    ce_source: String,
    http: reqwest::Client,
}

impl WebhookRelay {
    /// A relay to `subscriber`, its events' CloudEvents source `ce_source`.
    pub fn new(
        subscriber: ResolvedSubscriber,
        ce_source: &str,
        store: Store,
        clock: Arc<dyn Clock>,
        metrics: Metrics,
    ) -> Result<WebhookRelay, WebhookError> {
        let http = reqwest::Client::builder()
            .timeout(subscriber.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("gatehouse/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|source| WebhookError::Client {
                subscriber: subscriber.name.clone(),
                source,
            })?;
        Ok(WebhookRelay {
            store,
            clock,
            metrics,
            subscriber,
            ce_source: ce_source.to_owned(),
            http,
        })
    }

    /// The subscriber's name.
    pub fn name(&self) -> &str {
        &self.subscriber.name
    }

    /// One pass: new outbox events recorded as deliveries, then the due ones sent.
    pub async fn pass(&self) -> Result<Pass, StoreError> {
        while self.take_new().await? >= BATCH as usize {}
        self.deliver_due().await
    }

    /// Records a delivery for up to [`BATCH`] outbox events the subscriber has not seen;
    /// answers how many.
    pub async fn take_new(&self) -> Result<usize, StoreError> {
        let name = &self.subscriber.name;
        let rows = self.store.webhook_unseen(name, BATCH).await?;
        let deliveries: Vec<NewDelivery> = rows
            .iter()
            .map(|row| NewDelivery {
                outbox_id: row.outbox_id.clone(),
                subject_key: row.subject_key.clone(),
                filtered: !self.wants(row),
            })
            .collect();
        let retry_until = self.retry_until();
        self.store
            .add_webhook_deliveries(name, &deliveries, retry_until)
            .await?;
        Ok(rows.len())
    }

    /// Until when a delivery first seen (or replayed) now is retried.
    pub fn retry_until(&self) -> chrono::DateTime<chrono::Utc> {
        let now = self.clock.now();
        now.checked_add_signed(self.subscriber.retry).unwrap_or(now)
    }

    /// Whether the subscriber's filters let `row` through.
    fn wants(&self, row: &OutboxRow) -> bool {
        let types = &self.subscriber.types;
        let type_matches = types.is_empty()
            || types.iter().any(|wanted| match wanted.strip_suffix('*') {
                Some(prefix) => row.event_type.starts_with(prefix),
                None => *wanted == row.event_type,
            });
        let sources = &self.subscriber.sources;
        let source_matches = sources.is_empty()
            || row
                .payload
                .get("source")
                .and_then(|source| source.as_str())
                .is_some_and(|source| sources.iter().any(|wanted| wanted == source));
        type_matches && source_matches
    }

    /// The subscriber's recorded state.
    async fn state(&self) -> Result<SubscriberState, StoreError> {
        let recorded = self.store.webhook_subscribers().await?;
        Ok(recorded
            .into_iter()
            .find(|status: &SubscriberStatus| status.subscriber == self.subscriber.name)
            .map_or(SubscriberState::Active, |status| status.state))
    }

    /// Records the subscriber's new state and shows it in the metrics.
    async fn set_state(
        &self,
        state: SubscriberState,
        reason: Option<&str>,
    ) -> Result<(), StoreError> {
        let name = &self.subscriber.name;
        if self
            .store
            .set_webhook_subscriber(name, state, reason)
            .await?
        {
            match state {
                SubscriberState::Active => {
                    tracing::info!(subscriber = %name, "outcome webhook subscriber delivering again")
                }
                _ => {
                    tracing::warn!(subscriber = %name, state = state.as_str(), reason, "outcome webhook subscriber {}", state.as_str())
                }
            }
        }
        self.show_state(state);
        Ok(())
    }

    fn show_state(&self, state: SubscriberState) {
        WebhookSubscriberState {
            subscriber: &self.subscriber.name,
            failing: state == SubscriberState::Failing,
            disabled: state == SubscriberState::Disabled,
        }
        .emit(&self.metrics);
    }
}

/// The CloudEvents source of delivered events: `[outcomes] ce_source`, else Kafka's, else
/// `urn:gatehouse`.
pub fn ce_source(settings: &Settings) -> String {
    settings
        .outcomes
        .ce_source
        .clone()
        .or_else(|| {
            let kafka = settings.kafka.as_ref()?.outcomes.as_ref()?;
            Some(kafka.ce_source.clone())
        })
        .unwrap_or_else(|| "urn:gatehouse".to_owned())
}
