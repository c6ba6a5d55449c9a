//! One partition's task: its records in order, a batch at a time, into the inbox.
//!
//! A batch is every record already waiting (up to [`BATCH`]). Its records are decoded and
//! submitted to the inbox together and in offset order, so the group commit writes them in one
//! transaction (or a few) in that order; poison records are produced to the dead-letter topic
//! meanwhile. Only when every record of the batch is durable (in the inbox, or acknowledged by
//! the dead-letter topic) does the partition's progress move past it, and the polling thread
//! stores that offset.
//!
//! A failure (the store unavailable, the dead-letter topic unreachable) stops the batch at the
//! first record not done: progress moves to it, the task waits a moment and ends, and the
//! polling thread seeks the partition back to that record and starts a new task. Retrying
//! through Kafka rather than in place keeps no second copy of every event in memory; records of
//! the batch after the failed one are delivered again, which the inbox answers as duplicates.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::time::Duration;

use tokio::sync::{Notify, mpsc};
use tokio_util::sync::CancellationToken;
use tracing::{Instrument, Span};

use super::dead_letter::{DeadLetters, Origin};
use super::decode::{Decoded, Decoder, Poison};
use super::record::Record;
use crate::clock::Clock;
use crate::store::{Receipt, Store, StoreError};
use crate::telemetry::Metrics;
use crate::telemetry::context;
use crate::telemetry::kafka::{RecordDeadLettered, RecordsConsumed};

/// Most records one batch takes. Large batches are what make the inbox fast: the group commit
/// writes what is queued in one transaction (up to `[store] max_batch`), and a transaction's
/// cost is mostly per transaction, not per event.
pub(crate) const BATCH: usize = 2000;

/// How long a task waits after a failure before its partition is read again.
const BACKOFF: Duration = Duration::from_secs(1);

/// What every partition task shares.
pub(crate) struct Shared {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    /// Woken when new events are in the inbox.
    pub intake: Arc<Notify>,
    pub metrics: Metrics,
    pub dead_letters: DeadLetters,
    pub group_id: String,
    /// Set when a task moved its progress: the polling thread then stores offsets.
    pub progressed: AtomicBool,
    /// Set when a task ended: the polling thread then looks for partitions to read again.
    pub ended: AtomicBool,
}

/// A consumed topic and how its records are read.
pub(crate) struct TopicInput {
    pub name: String,
    pub decoder: Decoder,
    /// The name of its records' spans, `process TOPIC`, made once.
    pub span_name: String,
}

/// How far a partition's tasks got in the current assignment: the offset of the first record
/// not yet durable, or -1 while none is.
#[derive(Debug)]
pub(crate) struct Progress(AtomicI64);

impl Default for Progress {
    fn default() -> Self {
        Progress(AtomicI64::new(-1))
    }
}

impl Progress {
    /// The next offset to commit, if any record is done.
    pub fn next(&self) -> Option<i64> {
        let next = self.0.load(Ordering::Acquire);
        (next >= 0).then_some(next)
    }

    fn advance(&self, next: i64) {
        self.0.fetch_max(next, Ordering::AcqRel);
    }
}

/// One partition's task, before it runs.
pub(crate) struct PartitionTask {
    pub topic: Arc<TopicInput>,
    pub partition: i32,
    pub shared: Arc<Shared>,
    pub progress: Arc<Progress>,
    /// Cancelled when the partition must be let go without waiting for its batch (the drain
    /// took too long, or the partition was lost to another consumer already).
    pub abandon: CancellationToken,
}

/// Signals the end of a task, however it ends (closed channel, failure, panic): dropping it
/// disconnects the polling thread's receiver and raises [`Shared::ended`].
pub(crate) struct Finished {
    _signal: std::sync::mpsc::Sender<()>,
    shared: Arc<Shared>,
}

impl Finished {
    pub fn new(signal: std::sync::mpsc::Sender<()>, shared: Arc<Shared>) -> Finished {
        Finished {
            _signal: signal,
            shared,
        }
    }
}

impl Drop for Finished {
    fn drop(&mut self) {
        self.shared.ended.store(true, Ordering::Release);
    }
}

/// What became of one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Handled {
    Stored {
        duplicate: bool,
    },
    DeadLettered,
    /// Not done: to be read again.
    Failed,
}

impl PartitionTask {
    /// Handles batches until the channel closes (the partition is given up, all received
    /// records done), a record fails, or the task is abandoned.
    pub async fn run(self, mut records: mpsc::Receiver<Record>, finished: Finished) {
        let _finished = finished;
        let mut batch = Vec::with_capacity(BATCH);
        while records.recv_many(&mut batch, BATCH).await > 0 {
            let first_offset = batch.first().map_or(-1, |r| r.offset);
            let results = tokio::select! {
                results = self.handle(&mut batch) => results,
                _ = self.abandon.cancelled() => return,
            };
            let mut done = 0u64;
            let mut duplicates = 0u64;
            let mut fresh = false;
            let mut failed_at = None;
            let mut last_offset = first_offset;
            for (offset, handled) in results {
                match handled {
                    Handled::Stored { duplicate } => {
                        duplicates += u64::from(duplicate);
                        fresh |= !duplicate;
                    }
                    Handled::DeadLettered => {}
                    Handled::Failed => {
                        failed_at = Some(offset);
                        break;
                    }
                }
                done += 1;
                last_offset = offset;
            }
            if fresh {
                self.shared.intake.notify_one();
            }
            if done > 0 {
                self.progress.advance(last_offset + 1);
                self.shared.progressed.store(true, Ordering::Release);
                RecordsConsumed {
                    topic: &self.topic.name,
                    partition: self.partition,
                    first_offset,
                    last_offset,
                    records: done,
                    duplicates,
                }
                .emit(&self.shared.metrics);
            }
            if let Some(offset) = failed_at {
                tracing::warn!(
                    topic = self.topic.name,
                    partition = self.partition,
                    offset,
                    "partition to be read again from this offset after a failure"
                );
                tokio::select! {
                    _ = tokio::time::sleep(BACKOFF) => {}
                    _ = self.abandon.cancelled() => {}
                }
                return;
            }
        }
    }

    /// Decodes the batch in order, then makes it durable: its events go to the inbox together,
    /// in offset order, while its poison records go to the dead-letter topic one after another.
    /// Answers what became of each record, in offset order.
    async fn handle(&self, batch: &mut Vec<Record>) -> Vec<(i64, Handled)> {
        let received_at = self.shared.clock.now();
        let mut spans = Vec::with_capacity(batch.len());
        let mut events = Vec::with_capacity(batch.len());
        let mut places = Vec::with_capacity(batch.len());
        let mut poison = Vec::new();
        for (place, record) in batch.drain(..).enumerate() {
            let span = self.span(record.offset);
            let incoming = record.header_text("traceparent");
            context::continue_trace(&span, incoming);
            let traceparent = context::to_keep(&span, incoming);
            spans.push((record.offset, span));
            match self
                .topic
                .decoder
                .decode(record, received_at, Some(traceparent))
            {
                Decoded::Event(event) => {
                    events.push(event);
                    places.push(place);
                }
                Decoded::Poison(record, why) => poison.push((place, record, why)),
            }
        }
        let mut handled = vec![Handled::Failed; spans.len()];
        let (stored, dead) = tokio::join!(
            self.shared.store.accept_all(events),
            self.dead_letter_all(poison, &spans)
        );
        for (place, answer) in places.into_iter().zip(stored) {
            handled[place] = stored_or_failed(answer, &spans[place].1);
        }
        for (place, outcome) in dead {
            handled[place] = outcome;
        }
        spans
            .into_iter()
            .zip(handled)
            .map(|((offset, span), handled)| {
                if handled == Handled::Failed {
                    span.record("otel.status_code", "ERROR");
                }
                (offset, handled)
            })
            .collect()
    }

    /// The `kafka.consume` span of one record, with the OpenTelemetry messaging attributes.
    fn span(&self, offset: i64) -> Span {
        tracing::info_span!(
            "kafka.consume",
            otel.name = self.topic.span_name.as_str(),
            otel.kind = "consumer",
            otel.status_code = tracing::field::Empty,
            messaging.system = "kafka",
            messaging.operation.type = "process",
            messaging.operation.name = "process",
            messaging.destination.name = self.topic.name.as_str(),
            messaging.destination.partition.id = self.partition,
            messaging.kafka.destination.partition = self.partition,
            messaging.kafka.offset = offset,
            messaging.kafka.message.offset = offset,
            messaging.consumer.group.name = self.shared.group_id.as_str(),
            source = self.topic.decoder.source(),
            event_id = tracing::field::Empty,
            dead_letter_reason = tracing::field::Empty,
            trace_id = tracing::field::Empty,
        )
    }

    /// Dead-letters poison records in order, each acknowledged before the next is sent; after
    /// a failure the rest are left to be read again.
    async fn dead_letter_all(
        &self,
        poison: Vec<(usize, Record, Poison)>,
        spans: &[(i64, Span)],
    ) -> Vec<(usize, Handled)> {
        let mut outcomes = Vec::with_capacity(poison.len());
        for (place, record, why) in poison {
            let span = &spans[place].1;
            let outcome = self
                .dead_letter(&record, &why, span)
                .instrument(span.clone())
                .await;
            outcomes.push((place, outcome));
            if outcome == Handled::Failed {
                break;
            }
        }
        outcomes
    }

    async fn dead_letter(&self, record: &Record, poison: &Poison, span: &Span) -> Handled {
        span.record("dead_letter_reason", poison.reason);
        let dead_letters = &self.shared.dead_letters;
        let origin = Origin {
            topic: &self.topic.name,
            source: self.topic.decoder.source(),
        };
        match dead_letters.send(record, &origin, poison).await {
            Ok(()) => {
                RecordDeadLettered {
                    topic: &self.topic.name,
                    reason: poison.reason,
                    detail: &poison.detail,
                    dead_letter_topic: dead_letters.topic(),
                }
                .emit(&self.shared.metrics);
                Handled::DeadLettered
            }
            Err(error) => {
                tracing::warn!(
                    error = %crate::report::chain(&error),
                    reason = poison.reason,
                    dead_letter_topic = dead_letters.topic(),
                    "poison record not acknowledged by the dead-letter topic; it will be read again"
                );
                Handled::Failed
            }
        }
    }
}

/// What the inbox's answer makes of a record, noted on its span.
fn stored_or_failed(answer: Result<Receipt, StoreError>, span: &Span) -> Handled {
    match answer {
        Ok(receipt) => {
            span.record("event_id", receipt.event_id.as_str());
            Handled::Stored {
                duplicate: receipt.duplicate,
            }
        }
        Err(error) => {
            span.in_scope(|| {
                tracing::warn!(error = %crate::report::chain(&error), "record not stored in the inbox; it will be read again")
            });
            Handled::Failed
        }
    }
}
