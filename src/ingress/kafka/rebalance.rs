//! The consumer's context: what librdkafka calls back on the polling thread. On a revocation the
//! partitions drain (their in-flight records finish and their offsets are stored) and those
//! offsets are committed synchronously before the group hands the partitions to another
//! consumer, so the next owner starts where this one stopped. Statistics become the lag gauge.

use parking_lot::Mutex;
use rdkafka::ClientContext;
use rdkafka::consumer::{BaseConsumer, CommitMode, Consumer, ConsumerContext, Rebalance};
use rdkafka::error::{KafkaError, KafkaResult, RDKafkaErrorCode};
use rdkafka::{Statistics, TopicPartitionList};

use super::assignment::Assignment;
use crate::telemetry::Metrics;
use crate::telemetry::kafka::PartitionLag;

/// Shared by librdkafka's callbacks and the polling thread.
pub(crate) struct ConsumeContext {
    pub assignment: Mutex<Assignment>,
    pub metrics: Metrics,
}

impl ClientContext for ConsumeContext {
    /// Sets the lag of every partition held from librdkafka's statistics: the high watermark
    /// minus the stored offset (records not yet durable in the inbox); the committed offset's
    /// lag while nothing is stored yet in this assignment.
    fn stats(&self, statistics: Statistics) {
        let assignment = self.assignment.lock();
        for (name, topic) in &statistics.topics {
            for (&partition, stats) in &topic.partitions {
                if partition < 0 || !assignment.holds(name, partition) {
                    continue;
                }
                let lag = if stats.consumer_lag_stored >= 0 {
                    stats.consumer_lag_stored
                } else {
                    stats.consumer_lag
                };
                if lag >= 0 {
                    PartitionLag {
                        topic: name,
                        partition,
                        lag,
                    }
                    .emit(&self.metrics);
                }
            }
        }
    }
}

impl ConsumerContext for ConsumeContext {
    fn pre_rebalance(&self, consumer: &BaseConsumer<Self>, rebalance: &Rebalance<'_>) {
        match rebalance {
            Rebalance::Assign(partitions) => {
                tracing::info!(partitions = %names(partitions), "partitions assigned");
                self.assignment.lock().assigned(partitions);
            }
            Rebalance::Revoke(partitions) => {
                let lost = consumer.assignment_lost();
                tracing::info!(
                    partitions = %names(partitions),
                    lost,
                    "partitions revoked; draining them"
                );
                let listed: Vec<(String, i32)> = partitions
                    .elements()
                    .iter()
                    .map(|e| (e.topic().to_owned(), e.partition()))
                    .collect();
                let offsets = self.assignment.lock().give_up(consumer, &listed, lost);
                if lost {
                    // Another consumer owns them already: a commit would overwrite its offsets.
                    tracing::warn!(
                        "partitions were lost, not revoked; their offsets are not committed (their records may be read again)"
                    );
                } else {
                    commit(consumer, &offsets);
                }
            }
            Rebalance::Error(error) => {
                tracing::error!(error = %crate::report::chain(error), "rebalance failed");
            }
        }
    }

    fn commit_callback(&self, result: KafkaResult<()>, offsets: &TopicPartitionList) {
        match result {
            Ok(()) => tracing::debug!(offsets = %names(offsets), "offsets committed"),
            Err(KafkaError::ConsumerCommit(RDKafkaErrorCode::NoOffset)) => {}
            Err(error) => {
                tracing::warn!(error = %crate::report::chain(&error), "offsets not committed; the next commit carries them")
            }
        }
    }
}

/// Stores and synchronously commits `offsets` (next offsets to read): stored first, so that
/// librdkafka's own commit on unassignment carries the same offsets and never an older one.
pub(crate) fn commit<C: ConsumerContext>(consumer: &BaseConsumer<C>, offsets: &TopicPartitionList) {
    if offsets.count() == 0 {
        return;
    }
    if let Err(error) = consumer.store_offsets(offsets) {
        tracing::debug!(error = %crate::report::chain(&error), "offsets not stored before the commit");
    }
    match consumer.commit(offsets, CommitMode::Sync) {
        Ok(()) => tracing::info!(offsets = %names(offsets), "offsets committed"),
        Err(KafkaError::ConsumerCommit(RDKafkaErrorCode::NoOffset)) => {}
        Err(error) => {
            tracing::error!(error = %crate::report::chain(&error), offsets = %names(offsets), "offsets not committed; their records will be read again by the next owner")
        }
    }
}

/// `topic[partition]@offset, …` for logs.
fn names(list: &TopicPartitionList) -> String {
    list.elements()
        .iter()
        .map(|e| match e.offset() {
            rdkafka::Offset::Offset(offset) => format!("{}[{}]@{offset}", e.topic(), e.partition()),
            _ => format!("{}[{}]", e.topic(), e.partition()),
        })
        .collect::<Vec<_>>()
        .join(", ")
}
