//! Partitions let go at a rebalance or a stop: their tasks finish the batch they hold within the
//! drain limit or are abandoned, and what they finished is what gets committed for them.

use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use rdkafka::{Offset, TopicPartitionList};
use tokio_util::sync::CancellationToken;

use super::partition::Progress;

/// How long abandoned tasks get to let go of their partition.
const ABANDON_WAIT: Duration = Duration::from_secs(5);

/// A partition let go, with its task still finishing.
pub(super) struct Leaving {
    topic: String,
    partition: i32,
    progress: Arc<Progress>,
    /// Disconnects when the task ended; none when no task ran.
    finished: Option<Receiver<()>>,
    abandon: Option<CancellationToken>,
}

impl Leaving {
    /// A partition let go; `task` is its task's end signal and abandon token, if one runs. A
    /// `lost` partition's task is abandoned at once: another process may already own it.
    pub(super) fn new(
        topic: &str,
        partition: i32,
        progress: Arc<Progress>,
        task: Option<(Receiver<()>, CancellationToken)>,
        lost: bool,
    ) -> Leaving {
        let (finished, abandon) = task.unzip();
        if lost && let Some(abandon) = &abandon {
            abandon.cancel();
        }
        Leaving {
            topic: topic.to_owned(),
            partition,
            progress,
            finished,
            abandon,
        }
    }
}

/// Gives the tasks until `drain_limit` to finish their batch, then abandons the rest (their
/// records will be read again by the partition's next owner).
pub(super) fn drain(leaving: &[Leaving], drain_limit: Duration) {
    if wait_for(leaving, drain_limit) {
        return;
    }
    tracing::warn!(
        drain_limit_ms = drain_limit.as_millis() as u64,
        "partitions did not finish their batch in time; abandoning it (its records will be read again)"
    );
    for abandon in leaving.iter().filter_map(|l| l.abandon.as_ref()) {
        abandon.cancel();
    }
    if !wait_for(leaving, ABANDON_WAIT) {
        tracing::error!("abandoned partition tasks did not end");
    }
}

/// The offsets to commit for the partitions let go: each one's first record not done.
pub(super) fn offsets(leaving: &[Leaving]) -> TopicPartitionList {
    let mut offsets = TopicPartitionList::new();
    for left in leaving {
        if let Some(next) = left.progress.next() {
            let _ = offsets.add_partition_offset(&left.topic, left.partition, Offset::Offset(next));
        }
    }
    offsets
}

/// Waits until every leaving task ended, at most `limit`; whether they all did.
fn wait_for(leaving: &[Leaving], limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    leaving
        .iter()
        .filter_map(|l| l.finished.as_ref())
        .all(|finished| {
            let left = deadline.saturating_duration_since(Instant::now());
            matches!(
                finished.recv_timeout(left),
                Err(RecvTimeoutError::Disconnected)
            )
        })
}
