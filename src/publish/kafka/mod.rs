//! The outcome relay: publishes the outbox to `[kafka.outcomes] topic`, at least once.
//!
//! Each pass reads the oldest unpublished rows, produces them in that order with the
//! idempotent producer (keyed by subject, so a subject's events share a partition and keep
//! their order, retries included), waits for the broker's acknowledgements, and marks published
//! only the rows acknowledged. A crash between publish and mark publishes the rows again with
//! the same `ce_id` (their outbox id); consumers drop the repeats.
//!
//! When a row is not acknowledged, the later rows of its subject in the same pass are not
//! marked either, even if acknowledged: they are published again after it, so the last copy of
//! every event on the topic is in its subject's order. Rows of other subjects go on.
//!
//! The steps are public ([`Relay::publish`], [`Relay::mark`]) so that what a crash between
//! them leaves behind can be shown; [`Relay::run`] is the service's loop (see `run`).

mod protobuf;
mod record;
mod run;
mod trace;

use std::collections::HashSet;

use rdkafka::error::KafkaError;
use rdkafka::producer::{DeliveryFuture, FutureProducer, FutureRecord};
use tracing::Span;

pub use protobuf::{PayloadError, outcome_event};
pub use record::{OutcomeRecord, SPEC_VERSION, content_type};
pub use run::{TURN, TURN_LEASE, spawn};

use crate::config::{KafkaConfig, OutcomeEncoding, SecretError};
use crate::kafka as client;
use crate::store::{OutboxId, OutboxRow, Store, StoreError};
use crate::telemetry::Metrics;
use crate::telemetry::events::OutcomePublished;

/// Why a relay could not be built.
#[derive(Debug, thiserror::Error)]
pub enum RelayError {
    #[error("[kafka.outcomes] is not configured: there is no outcome topic to publish to")]
    NoOutcomeTopic,
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error("creating the Kafka producer: {0}")]
    Producer(#[source] KafkaError),
}

/// Why a row was not acknowledged.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// The row's payload cannot be put in the configured encoding; it stays unpublished.
    #[error("outbox event {outbox_id}: {source}")]
    Payload {
        outbox_id: OutboxId,
        #[source]
        source: PayloadError,
    },
    /// librdkafka refused the record or the broker did not acknowledge it.
    #[error("producing to the outcome topic: {0}")]
    Produce(#[source] KafkaError),
    /// The producer went away before it reported the delivery.
    #[error("the producer stopped before the broker answered")]
    ProducerGone,
}

/// What one publish of a batch achieved.
#[derive(Debug, Default)]
pub struct Published {
    /// Rows the broker acknowledged, in outbox order, that may be marked published.
    pub acknowledged: Vec<OutboxId>,
    /// Rows left unpublished: not acknowledged, or held back behind an unacknowledged row of
    /// their subject.
    pub unacknowledged: usize,
    /// The first failure, for the log.
    pub error: Option<PublishError>,
}

/// What one pass (read, publish, mark) did.
#[derive(Debug, Default)]
pub struct Pass {
    /// Rows read from the outbox.
    pub read: usize,
    /// Rows newly marked published.
    pub marked: u64,
    /// Rows left for a later pass.
    pub unacknowledged: usize,
    /// The first publish failure.
    pub error: Option<PublishError>,
}

/// Publishes outbox rows to the outcome topic.
pub struct Relay {
    store: Store,
    producer: FutureProducer,
    topic: String,
    encoding: OutcomeEncoding,
    ce_source: String,
    batch: u32,
    metrics: Metrics,
}

/// A record handed to librdkafka, awaiting the broker's answer, and the span that follows it.
type Delivery = (DeliveryFuture, Span);

impl Relay {
    /// A relay for `[kafka.outcomes]`, with the idempotent producer of [`client::producer`].
    /// Connects lazily: a broker that is down makes publishing fail and retry, not this.
    pub fn new(kafka: &KafkaConfig, store: Store, metrics: Metrics) -> Result<Relay, RelayError> {
        let outcomes = kafka.outcomes.as_ref().ok_or(RelayError::NoOutcomeTopic)?;
        let producer = client::producer(kafka)?
            .create()
            .map_err(RelayError::Producer)?;
        Ok(Relay {
            store,
            producer,
            topic: outcomes.topic.clone(),
            encoding: outcomes.encoding,
            ce_source: outcomes.ce_source.clone(),
            batch: outcomes.batch,
            metrics,
        })
    }

    /// The topic outcomes go to.
    pub fn topic(&self) -> &str {
        &self.topic
    }

    /// One pass: the oldest unpublished rows (up to `[kafka.outcomes] batch`) published and
    /// the acknowledged ones marked. A store error is returned; publish failures are in the
    /// [`Pass`].
    pub async fn publish_pending(&self) -> Result<Pass, StoreError> {
        let rows = self.store.outbox_unpublished(self.batch).await?;
        if rows.is_empty() {
            return Ok(Pass::default());
        }
        let published = self.publish(&rows).await;
        let marked = self.mark(&published).await?;
        Ok(Pass {
            read: rows.len(),
            marked,
            unacknowledged: published.unacknowledged,
            error: published.error,
        })
    }

    /// Produces `rows` in their order and waits until the broker answered for each. Marks
    /// nothing: that is [`Relay::mark`].
    pub async fn publish(&self, rows: &[OutboxRow]) -> Published {
        let mut published = Published::default();
        let deliveries = self.produce(rows, &mut published);
        self.await_answers(rows, deliveries, &mut published).await;
        published
    }

    /// Hands `rows` to librdkafka in order, one pending delivery per row (`None` for a row not
    /// sent). The first failure is noted in `published`.
    fn produce(&self, rows: &[OutboxRow], published: &mut Published) -> Vec<Option<Delivery>> {
        let mut deliveries = Vec::with_capacity(rows.len());
        let mut refused = false;
        for row in rows {
            if refused {
                // librdkafka's queue refused a record; the rest wait for the next pass, so no
                // later row of a subject overtakes an earlier one.
                deliveries.push(None);
                continue;
            }
            match self.produce_one(row) {
                Ok(delivery) => deliveries.push(Some(delivery)),
                Err(error) => {
                    refused = matches!(error, PublishError::Produce(_));
                    published.error.get_or_insert(error);
                    deliveries.push(None);
                }
            }
        }
        deliveries
    }

    /// Encodes one row and queues it in librdkafka, under the span that follows its delivery.
    fn produce_one(&self, row: &OutboxRow) -> Result<Delivery, PublishError> {
        let span = trace::produce_span(&self.topic, row);
        let traceparent = trace::traceparent(&span, row);
        let record = OutcomeRecord::of(row, &self.ce_source, self.encoding, traceparent).map_err(
            |source| {
                trace::failed(&span, "payload");
                PublishError::Payload {
                    outbox_id: row.outbox_id.clone(),
                    source,
                }
            },
        )?;
        let sent = span.in_scope(|| {
            self.producer
                .send_result(
                    FutureRecord::to(&self.topic)
                        .key(&record.key)
                        .payload(&record.value)
                        .headers(record.kafka_headers()),
                )
                .map_err(|(error, _record)| error)
        });
        match sent {
            Ok(delivery) => Ok((delivery, span)),
            Err(error) => {
                trace::failed(&span, &error.to_string());
                Err(PublishError::Produce(error))
            }
        }
    }

    /// Waits for the broker's answer to each delivery and sorts the rows into acknowledged and
    /// not: a row after an unacknowledged row of its subject counts as not acknowledged.
    async fn await_answers(
        &self,
        rows: &[OutboxRow],
        deliveries: Vec<Option<Delivery>>,
        published: &mut Published,
    ) {
        let mut held_back = HashSet::new();
        for (row, delivery) in rows.iter().zip(deliveries) {
            let acknowledged = match delivery {
                None => false,
                Some((delivery, span)) => match delivery.await {
                    Ok(Ok(placed)) => {
                        trace::acknowledged(&span, placed.partition, placed.offset);
                        true
                    }
                    Ok(Err((error, _))) => {
                        trace::failed(&span, &error.to_string());
                        published.error.get_or_insert(PublishError::Produce(error));
                        false
                    }
                    Err(_) => {
                        trace::failed(&span, "producer stopped");
                        published.error.get_or_insert(PublishError::ProducerGone);
                        false
                    }
                },
            };
            if acknowledged {
                OutcomePublished {
                    event_type: &row.event_type,
                }
                .emit(&self.metrics);
            }
            if acknowledged && !held_back.contains(&row.subject_key) {
                published.acknowledged.push(row.outbox_id.clone());
            } else {
                held_back.insert(&row.subject_key);
                published.unacknowledged += 1;
            }
        }
    }

    /// Marks the acknowledged rows published; answers how many were newly marked (a row
    /// marked before keeps its first publish time).
    pub async fn mark(&self, published: &Published) -> Result<u64, StoreError> {
        self.store.mark_published(&published.acknowledged).await
    }
}
