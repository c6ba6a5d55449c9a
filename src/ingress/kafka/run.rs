//! The polling thread: the only place the consumer is polled, so that librdkafka's callbacks
//! (rebalances, statistics, commits) run here, where blocking on a drain blocks nobody else.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rdkafka::Message;
use rdkafka::consumer::{BaseConsumer, Consumer as _};
use rdkafka::error::KafkaError;

use super::rebalance::{ConsumeContext, commit};
use super::record::Record;

/// How long a poll waits for a record when nothing else needs the thread.
const IDLE_POLL: Duration = Duration::from_millis(100);
/// How long it waits while records wait for room: their partitions move on as soon as there is.
const BUSY_POLL: Duration = Duration::from_millis(5);

/// Polls and dispatches until `stop` is set; then stops fetching, lets in-flight records finish,
/// commits the offsets synchronously and leaves the group.
pub(crate) fn poll_until_stopped(consumer: BaseConsumer<ConsumeContext>, stop: Arc<AtomicBool>) {
    let context = consumer.context().clone();
    while !stop.load(Ordering::Acquire) {
        let timeout = if context.assignment.lock().has_waiting() {
            BUSY_POLL
        } else {
            IDLE_POLL
        };
        let polled = consumer.poll(timeout);
        let mut assignment = context.assignment.lock();
        match polled {
            None => {}
            Some(Ok(message)) => {
                let record = Record::copy_of(&message);
                assignment.dispatch(&consumer, message.topic(), record);
            }
            Some(Err(KafkaError::PartitionEOF(_))) => {}
            Some(Err(error)) => {
                tracing::warn!(error = %crate::report::chain(&error), "Kafka consumer error")
            }
        }
        assignment.tend(&consumer);
    }
    tracing::info!("Kafka consumer stopping: finishing in-flight records");
    {
        let offsets = {
            let mut assignment = context.assignment.lock();
            let everything = assignment.everything();
            assignment.give_up(&consumer, &everything, false)
        };
        commit(&consumer, &offsets);
        // The list goes before the consumer: librdkafka keeps a reference to each partition in
        // a list its offset store has seen, and a consumer destroyed while one is alive waits
        // for it forever (librdkafka issue 3796).
    }
    // Dropping the consumer closes it: it leaves the group (the revocation finds nothing held).
    drop(consumer);
    tracing::info!("Kafka consumer stopped");
}
