//! The partitions this process holds and the task of each: where the polling thread hands each
//! record, how full partitions are paused, how a failed partition is read again, how offsets
//! reach librdkafka's offset store, and how partitions are given up.
//!
//! Only the polling thread touches an [`Assignment`] (the rebalance callback runs on it too,
//! inside `poll`); the tasks report back through atomics in [`Shared`] and [`Progress`].

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc::TryRecvError;
use std::time::Duration;

use rdkafka::consumer::{BaseConsumer, Consumer, ConsumerContext};
use rdkafka::{Offset, TopicPartitionList};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

use super::held::HeldBack;
use super::leaving::{self, Leaving};
use super::partition::{BATCH, Finished, PartitionTask, Progress, Shared, TopicInput};
use super::record::Record;
use crate::telemetry::kafka::{PartitionPaused, PartitionReleased};

/// Records a partition's channel holds beyond the batch being handled: the next batch is
/// ready when this one is done. Beyond it records are held back, up to the limits in
/// [`super::held`], and then the partition pauses.
const CHANNEL: usize = 2 * BATCH;

/// Every partition held, by topic.
pub(crate) struct Assignment {
    topics: HashMap<String, Topic>,
    shared: Arc<Shared>,
    runtime: tokio::runtime::Handle,
    /// How long a partition given up may take to finish its batch before it is abandoned.
    drain_limit: Duration,
    /// Bytes a partition may hold back before it is paused (`[kafka] hold_back_kib`).
    hold_back: usize,
    /// Partitions with records waiting for room in their channel.
    waiting: usize,
}

struct Topic {
    input: Arc<TopicInput>,
    /// The partitions the group gave this process (whether or not a record came yet).
    assigned: HashSet<i32>,
    partitions: HashMap<i32, Slot>,
}

/// One partition's state for the current assignment.
#[derive(Default)]
struct Slot {
    progress: Arc<Progress>,
    /// The offset last handed to librdkafka's offset store (-1: none).
    stored: i64,
    /// The first offset dispatched: where to read again if the first batch fails.
    first: Option<i64>,
    running: Option<Running>,
    /// Records polled while the channel was full, in order; the partition is paused while
    /// there are many.
    waiting: HeldBack,
    paused: bool,
}

struct Running {
    records: mpsc::Sender<Record>,
    finished: std::sync::mpsc::Receiver<()>,
    abandon: CancellationToken,
}

impl Assignment {
    pub fn new(
        inputs: Vec<TopicInput>,
        shared: Arc<Shared>,
        runtime: tokio::runtime::Handle,
        drain_limit: Duration,
        hold_back: usize,
    ) -> Assignment {
        let topics = inputs
            .into_iter()
            .map(|input| {
                (
                    input.name.clone(),
                    Topic {
                        input: Arc::new(input),
                        assigned: HashSet::new(),
                        partitions: HashMap::new(),
                    },
                )
            })
            .collect();
        Assignment {
            topics,
            shared,
            runtime,
            drain_limit,
            hold_back,
            waiting: 0,
        }
    }

    /// The topics consumed.
    pub fn topic_names(&self) -> Vec<&str> {
        self.topics.keys().map(String::as_str).collect()
    }

    /// Whether this process holds the partition now.
    pub fn holds(&self, topic: &str, partition: i32) -> bool {
        self.topics
            .get(topic)
            .is_some_and(|t| t.assigned.contains(&partition))
    }

    /// Whether records wait for room, so the polling thread should come back soon.
    pub fn has_waiting(&self) -> bool {
        self.waiting > 0
    }

    /// Notes partitions the group assigned.
    pub fn assigned(&mut self, partitions: &TopicPartitionList) {
        for element in partitions.elements() {
            if let Some(topic) = self.topics.get_mut(element.topic()) {
                topic.assigned.insert(element.partition());
            }
        }
    }

    /// Hands a record to its partition's task, starting the task if needed; holds it back
    /// when the task's channel is full, and pauses the partition when many are held back.
    pub fn dispatch<C: ConsumerContext>(
        &mut self,
        consumer: &BaseConsumer<C>,
        topic: &str,
        record: Record,
    ) {
        let Some(entry) = self.topics.get_mut(topic) else {
            tracing::warn!(topic, "record of a topic not consumed; ignored");
            return;
        };
        let partition = record.partition;
        let slot = entry.partitions.entry(partition).or_default();
        if slot
            .progress
            .next()
            .is_some_and(|next| record.offset < next)
        {
            // Done already: delivered again by a rewind that reached back past it.
            return;
        }
        slot.first.get_or_insert(record.offset);
        if !slot.waiting.is_empty() {
            slot.waiting.push_back(record);
            if slot.waiting.is_full(self.hold_back) && !slot.paused {
                slot.paused = true;
                PartitionPaused {
                    topic,
                    partition,
                    records: slot.waiting.len(),
                    bytes: slot.waiting.bytes(),
                }
                .emit(&self.shared.metrics);
                if let Err(error) = consumer.pause(&one(topic, partition)) {
                    tracing::warn!(topic, partition, error = %crate::report::chain(&error), "partition not paused");
                }
            }
            return;
        }
        let running = slot.running.get_or_insert_with(|| {
            spawn(
                &self.runtime,
                &entry.input,
                partition,
                &self.shared,
                &slot.progress,
            )
        });
        match running.records.try_send(record) {
            Ok(()) => {}
            Err(mpsc::error::TrySendError::Full(record)) => {
                slot.waiting.push_back(record);
                self.waiting += 1;
            }
            Err(mpsc::error::TrySendError::Closed(_)) => {
                // The task ended on a failure before the polling thread noticed.
                let waited = !slot.waiting.is_empty();
                rewind(consumer, topic, partition, slot);
                self.waiting -= usize::from(waited);
            }
        }
    }

    /// The polling thread's round after each poll: partitions whose task failed are read
    /// again, waiting records move on, finished offsets are stored.
    pub fn tend<C: ConsumerContext>(&mut self, consumer: &BaseConsumer<C>) {
        if self.shared.ended.swap(false, Ordering::AcqRel) {
            self.rewind_ended(consumer);
        }
        if self.waiting > 0 {
            self.offer_waiting(consumer);
        }
        if self.shared.progressed.swap(false, Ordering::AcqRel) {
            self.store_progress(consumer);
        }
    }

    fn rewind_ended<C: ConsumerContext>(&mut self, consumer: &BaseConsumer<C>) {
        for (name, topic) in &mut self.topics {
            for (&partition, slot) in &mut topic.partitions {
                let ended = slot.running.as_ref().is_some_and(|running| {
                    matches!(running.finished.try_recv(), Err(TryRecvError::Disconnected))
                });
                if ended {
                    let waited = !slot.waiting.is_empty();
                    rewind(consumer, name, partition, slot);
                    self.waiting -= usize::from(waited);
                }
            }
        }
    }

    fn offer_waiting<C: ConsumerContext>(&mut self, consumer: &BaseConsumer<C>) {
        for (name, topic) in &mut self.topics {
            for (&partition, slot) in &mut topic.partitions {
                if slot.waiting.is_empty() {
                    continue;
                }
                let Some(running) = &slot.running else {
                    continue;
                };
                while let Some(record) = slot.waiting.pop_front() {
                    match running.records.try_send(record) {
                        Ok(()) => {}
                        Err(mpsc::error::TrySendError::Full(record)) => {
                            slot.waiting.push_front(record);
                            break;
                        }
                        // The task ended; the next round rewinds the partition.
                        Err(mpsc::error::TrySendError::Closed(record)) => {
                            slot.waiting.push_front(record);
                            break;
                        }
                    }
                }
                if slot.paused && slot.waiting.is_low(self.hold_back) {
                    slot.paused = false;
                    if let Err(error) = consumer.resume(&one(name, partition)) {
                        tracing::warn!(topic = name, partition, error = %crate::report::chain(&error), "partition not resumed");
                    }
                }
                if slot.waiting.is_empty() {
                    self.waiting -= 1;
                }
            }
        }
    }

    fn store_progress<C: ConsumerContext>(&mut self, consumer: &BaseConsumer<C>) {
        let mut offsets = TopicPartitionList::new();
        let mut moved = Vec::new();
        for (name, topic) in &mut self.topics {
            for (&partition, slot) in &mut topic.partitions {
                if let Some(next) = slot.progress.next().filter(|&next| next > slot.stored) {
                    // Cannot fail: the partition was just added.
                    let _ = offsets.add_partition_offset(name, partition, Offset::Offset(next));
                    moved.push((name.as_str(), partition, next));
                    slot.stored = next;
                }
            }
        }
        if offsets.count() == 0 {
            return;
        }
        if let Err(error) = consumer.store_offsets(&offsets) {
            // A partition revoked meanwhile refuses the store; its drain commits it instead.
            tracing::debug!(error = %crate::report::chain(&error), ?moved, "offsets not stored");
        }
    }

    /// Lets go of the listed partitions: their channels close, their tasks finish what they
    /// received (abandoned after the drain limit, or at once when `lost`), and the offsets to
    /// commit for them are returned. Partitions not held are skipped.
    pub fn give_up<C: ConsumerContext>(
        &mut self,
        consumer: &BaseConsumer<C>,
        partitions: &[(String, i32)],
        lost: bool,
    ) -> TopicPartitionList {
        let mut leaving = Vec::new();
        for (name, partition) in partitions {
            let Some(topic) = self.topics.get_mut(name) else {
                continue;
            };
            topic.assigned.remove(partition);
            PartitionReleased {
                topic: name,
                partition: *partition,
            }
            .emit(&self.shared.metrics);
            let Some(slot) = topic.partitions.remove(partition) else {
                continue;
            };
            if !slot.waiting.is_empty() {
                self.waiting -= 1;
            }
            if slot.paused {
                // A pause would outlive the assignment: the partition, given back later, would
                // stay silent.
                let _ = consumer.resume(&one(name, *partition));
            }
            // Dropping the sender closes the channel: the task ends once it is empty.
            let task = slot
                .running
                .map(|running| (running.finished, running.abandon));
            let progress = slot.progress;
            leaving.push(Leaving::new(name, *partition, progress, task, lost));
        }
        leaving::drain(&leaving, self.drain_limit);
        leaving::offsets(&leaving)
    }

    /// Every partition held, for a stop.
    pub fn everything(&self) -> Vec<(String, i32)> {
        self.topics
            .iter()
            .flat_map(|(name, topic)| {
                topic
                    .assigned
                    .iter()
                    .chain(topic.partitions.keys())
                    .map(move |&p| (name.clone(), p))
            })
            .collect::<HashSet<_>>()
            .into_iter()
            .collect()
    }
}

fn spawn(
    runtime: &tokio::runtime::Handle,
    input: &Arc<TopicInput>,
    partition: i32,
    shared: &Arc<Shared>,
    progress: &Arc<Progress>,
) -> Running {
    let (records, receiver) = mpsc::channel(CHANNEL);
    let (signal, finished) = std::sync::mpsc::channel();
    let abandon = CancellationToken::new();
    let task = PartitionTask {
        topic: input.clone(),
        partition,
        shared: shared.clone(),
        progress: progress.clone(),
        abandon: abandon.clone(),
    };
    runtime.spawn(task.run(receiver, Finished::new(signal, shared.clone())));
    Running {
        records,
        finished,
        abandon,
    }
}

/// Reads a partition again from its first record not done, after its task ended on a failure:
/// what the task did not finish, and what waited for it, is fetched anew.
fn rewind<C: ConsumerContext>(
    consumer: &BaseConsumer<C>,
    topic: &str,
    partition: i32,
    slot: &mut Slot,
) {
    slot.running = None;
    slot.waiting.clear();
    if let Some(from) = slot.progress.next().or(slot.first) {
        if let Err(error) = consumer.seek(topic, partition, Offset::Offset(from), Duration::ZERO) {
            tracing::error!(topic, partition, from, error = %crate::report::chain(&error), "partition could not be read again");
        }
        slot.first = Some(from);
    }
    if slot.paused {
        slot.paused = false;
        if let Err(error) = consumer.resume(&one(topic, partition)) {
            tracing::warn!(topic, partition, error = %crate::report::chain(&error), "partition not resumed");
        }
    }
}

fn one(topic: &str, partition: i32) -> TopicPartitionList {
    let mut list = TopicPartitionList::new();
    list.add_partition(topic, partition);
    list
}
