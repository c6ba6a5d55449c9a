//! The dead-letter topic: where a record that cannot be decoded goes, unchanged (key, payload,
//! headers) plus headers saying why and where it came from, so it can be inspected, fixed and
//! produced again to its topic.
//!
//! The producer is idempotent with `acks=all` ([`client::producer`]): the poison record's offset
//! is stored only once the dead-letter topic has acknowledged its copy, so a crash in between
//! dead-letters it again rather than losing it.

use std::time::Duration;

use rdkafka::error::KafkaError;
use rdkafka::message::{Header, OwnedHeaders};
use rdkafka::producer::{FutureProducer, FutureRecord};

use super::decode::Poison;
use super::record::Record;
use crate::config::{KafkaConfig, SecretError};
use crate::kafka as client;

/// The reason code (see docs/kafka.md), e.g. `malformed_json`.
pub const REASON: &str = "gatehouse-dlq-reason";
/// What was wrong, in words (never quoting the payload).
pub const DETAIL: &str = "gatehouse-dlq-detail";
/// The topic the record was consumed from.
pub const TOPIC: &str = "gatehouse-dlq-topic";
/// Its partition, in decimal.
pub const PARTITION: &str = "gatehouse-dlq-partition";
/// Its offset, in decimal.
pub const OFFSET: &str = "gatehouse-dlq-offset";
/// The source the topic is bound to.
pub const SOURCE: &str = "gatehouse-dlq-source";

/// How long a copy may wait for room in the producer's local queue before the send is retried.
const QUEUE_WAIT: Duration = Duration::from_secs(5);

/// The dead-letter topic and the producer that writes to it.
pub(crate) struct DeadLetters {
    producer: FutureProducer,
    topic: String,
}

/// Where a poison record came from.
pub(crate) struct Origin<'a> {
    pub topic: &'a str,
    pub source: &'a str,
}

impl DeadLetters {
    /// A producer for `topic` with the `[kafka]` settings.
    pub fn new(kafka: &KafkaConfig, topic: &str) -> Result<DeadLetters, super::ConsumeError> {
        let producer = client::producer(kafka)
            .map_err(|e: SecretError| super::ConsumeError::Secret(e))?
            .create()
            .map_err(super::ConsumeError::Client)?;
        Ok(DeadLetters {
            producer,
            topic: topic.to_owned(),
        })
    }

    /// The topic's name.
    pub fn topic(&self) -> &str {
        &self.topic
    }

    /// Produces the copy of `record` and waits for the broker's acknowledgement.
    pub async fn send(
        &self,
        record: &Record,
        origin: &Origin<'_>,
        poison: &Poison,
    ) -> Result<(), KafkaError> {
        let mut headers = OwnedHeaders::new_with_capacity(record.headers.len() + 6);
        for (name, value) in &record.headers {
            headers = headers.insert(Header {
                key: name,
                value: value.as_deref(),
            });
        }
        let partition = record.partition.to_string();
        let offset = record.offset.to_string();
        for (name, value) in [
            (REASON, poison.reason),
            (DETAIL, poison.detail.as_str()),
            (TOPIC, origin.topic),
            (PARTITION, partition.as_str()),
            (OFFSET, offset.as_str()),
            (SOURCE, origin.source),
        ] {
            headers = headers.insert(Header {
                key: name,
                value: Some(value),
            });
        }
        let mut copy = FutureRecord::<[u8], [u8]>::to(&self.topic).headers(headers);
        if let Some(key) = &record.key {
            copy = copy.key(key.as_slice());
        }
        if let Some(payload) = &record.payload {
            copy = copy.payload(payload.as_slice());
        }
        self.producer
            .send(copy, QUEUE_WAIT)
            .await
            .map(|_| ())
            .map_err(|(error, _)| error)
    }
}
