//! The Kafka consumer's typed events: each `emit` writes the log line and moves the metric
//! together, as [`super::events`] does for webhooks.
//!
//! Records carry personal data; no event here holds a key, payload or header value.

use super::metrics::{DeadLetterLabels, Metrics, PartitionLabels, TopicLabels};

/// A batch of one partition's records was handled and its offsets stored.
pub struct RecordsConsumed<'a> {
    pub topic: &'a str,
    pub partition: i32,
    pub first_offset: i64,
    pub last_offset: i64,
    /// Records handled, dead-lettered ones included.
    pub records: u64,
    /// Of those, redeliveries the inbox already held.
    pub duplicates: u64,
}

impl RecordsConsumed<'_> {
    pub fn emit(self, metrics: &Metrics) {
        metrics
            .families
            .kafka_records_consumed
            .get_or_create(&TopicLabels {
                topic: self.topic.to_owned(),
            })
            .inc_by(self.records);
        tracing::debug!(
            topic = self.topic,
            partition = self.partition,
            first_offset = self.first_offset,
            last_offset = self.last_offset,
            records = self.records,
            duplicates = self.duplicates,
            "records consumed"
        );
    }
}

/// A record that could not be decoded was acknowledged by the dead-letter topic. Logged inside
/// the record's `kafka.consume` span, which names its topic, partition and offset.
pub struct RecordDeadLettered<'a> {
    pub topic: &'a str,
    /// The short code that is the metric's label and the `gatehouse-dlq-reason` header.
    pub reason: &'a str,
    /// What was wrong, for people; never holds the payload.
    pub detail: &'a str,
    pub dead_letter_topic: &'a str,
}

impl RecordDeadLettered<'_> {
    pub fn emit(self, metrics: &Metrics) {
        metrics
            .families
            .kafka_records_dead_lettered
            .get_or_create(&DeadLetterLabels {
                topic: self.topic.to_owned(),
                reason: self.reason.to_owned(),
            })
            .inc();
        tracing::warn!(
            reason = self.reason,
            detail = self.detail,
            dead_letter_topic = self.dead_letter_topic,
            "record dead-lettered"
        );
    }
}

/// A partition's task fell behind and the partition was paused until it catches up.
pub struct PartitionPaused<'a> {
    pub topic: &'a str,
    pub partition: i32,
    /// Records held in memory for it when it paused.
    pub records: usize,
    pub bytes: usize,
}

impl PartitionPaused<'_> {
    pub fn emit(self, metrics: &Metrics) {
        metrics
            .families
            .kafka_partition_pauses
            .get_or_create(&TopicLabels {
                topic: self.topic.to_owned(),
            })
            .inc();
        tracing::debug!(
            topic = self.topic,
            partition = self.partition,
            records = self.records,
            bytes = self.bytes,
            "partition paused while its task catches up"
        );
    }
}

/// librdkafka's latest view of how far an assigned partition's stored offset trails its high
/// watermark. Only a metric: it changes every statistics interval.
pub struct PartitionLag<'a> {
    pub topic: &'a str,
    pub partition: i32,
    pub lag: i64,
}

impl PartitionLag<'_> {
    pub fn emit(self, metrics: &Metrics) {
        metrics
            .families
            .kafka_consumer_lag
            .get_or_create(&labels(self.topic, self.partition))
            .set(self.lag);
    }
}

/// A partition left this process (revoked, lost, or the consumer stopped): its lag is another
/// consumer's to report now, so its gauge goes rather than freezing at its last value.
pub struct PartitionReleased<'a> {
    pub topic: &'a str,
    pub partition: i32,
}

impl PartitionReleased<'_> {
    pub fn emit(self, metrics: &Metrics) {
        metrics
            .families
            .kafka_consumer_lag
            .remove(&labels(self.topic, self.partition));
    }
}

fn labels(topic: &str, partition: i32) -> PartitionLabels {
    PartitionLabels {
        topic: topic.to_owned(),
        partition: partition.to_string(),
    }
}
