//! Group commit: many callers, one transaction, one fsync.
//!
//! With `synchronous=FULL` every commit waits for the disk, so one commit per webhook would make
//! the disk the rate limit. Instead every `accept` hands its event to a single writer task and
//! waits. The writer takes whatever is queued (up to `max_batch`), writes it in one transaction,
//! and answers each caller only after COMMIT returned: nobody is told "accepted" before their
//! event is durable, and if the transaction fails every caller in it hears so. Under load the
//! queue fills while the disk works, so batches grow exactly when they help; when idle a batch is
//! one event and waits for no timer.
//!
//! The intake's verdicts (a page of events `ignored` or `unmapped`) ride in the same queue and
//! the same transactions: a separate transaction of theirs would cost a disk sync of its own,
//! during which every webhook and Kafka batch waits for the one writer.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use super::error::StoreError;
use super::inbox::{EventId, InboxStatus, NewEvent, Receipt};

/// An accepted event's verdict: its new status and the reason.
pub type Verdict = (EventId, InboxStatus, Option<String>);

/// What one transaction writes: new events, and sets of verdicts for events already accepted.
pub(crate) struct Batch<'a> {
    pub events: &'a [NewEvent],
    /// Each set as one caller handed it over: at most one verdict per event, none `accepted`.
    pub verdicts: &'a [Vec<Verdict>],
}

/// What a committed transaction did.
#[derive(Debug)]
pub(crate) struct Written {
    /// One per event, in the order given.
    pub receipts: Vec<Receipt>,
    /// Per set of verdicts, how many events changed (those still `accepted`).
    pub changed: Vec<u64>,
}

/// A backend that can write a batch in one transaction.
pub(crate) trait BatchWriter: Send + Sync + 'static {
    /// Writes everything, or nothing. Answers one receipt per event in the order given (a
    /// repeated dedupe key inside the batch is answered with the receipt of its first
    /// occurrence) and one count per set of verdicts.
    fn write_batch(
        &self,
        batch: Batch<'_>,
    ) -> impl Future<Output = Result<Written, StoreError>> + Send;
}

/// Counters of the group commit, for metrics, and for tests that prove events share commits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StoreStats {
    /// Transactions committed by the writer that held new events (not those that held only
    /// the intake's verdicts).
    pub batches: u64,
    /// Transactions that failed; each caller in them was told to resend.
    pub failed_batches: u64,
    /// Accept calls answered with a receipt, duplicates included.
    pub events: u64,
    /// Of those, deliveries that were resends and wrote nothing.
    pub duplicates: u64,
    /// Events handed to the writer and not answered yet.
    pub queued: u64,
}

#[derive(Default)]
struct Counters {
    batches: AtomicU64,
    failed_batches: AtomicU64,
    events: AtomicU64,
    duplicates: AtomicU64,
    handed_over: AtomicU64,
    answered: AtomicU64,
}

enum Pending {
    Event {
        event: NewEvent,
        reply: oneshot::Sender<Result<Receipt, StoreError>>,
    },
    Verdicts {
        verdicts: Vec<Verdict>,
        reply: oneshot::Sender<Result<u64, StoreError>>,
    },
}

/// The queue in front of the writer task, shared by every clone of the store.
pub(crate) struct GroupCommit {
    /// `None` once closed: later callers are refused instead of queued behind a shutdown.
    sender: Mutex<Option<mpsc::Sender<Pending>>>,
    /// An async lock, so a second `close` waits for the first one's drain to finish.
    writer: tokio::sync::Mutex<Option<JoinHandle<()>>>,
    counters: Arc<Counters>,
}

impl GroupCommit {
    /// Spawns the writer task. Must run inside a tokio runtime. `max_batch` and `queue_depth`
    /// below one are taken as one.
    pub(crate) fn start<W: BatchWriter>(writer: W, max_batch: usize, queue_depth: usize) -> Self {
        let (sender, queue) = mpsc::channel(queue_depth.max(1));
        let counters = Arc::new(Counters::default());
        let task = tokio::spawn(run(writer, queue, max_batch.max(1), counters.clone()));
        GroupCommit {
            sender: Mutex::new(Some(sender)),
            writer: tokio::sync::Mutex::new(Some(task)),
            counters,
        }
    }

    /// Queues the event and waits until its batch committed (or failed).
    pub(crate) async fn submit(&self, event: NewEvent) -> Result<Receipt, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.hand_over(Pending::Event { event, reply }).await?;
        self.counters.handed_over.fetch_add(1, Ordering::Relaxed);
        answer.await.map_err(|_| StoreError::WriterLost)?
    }

    /// Puts one piece of work in the writer's queue.
    async fn hand_over(&self, pending: Pending) -> Result<(), StoreError> {
        let sender = self
            .sender
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
            .ok_or(StoreError::Closed)?;
        // The writer only ends when every sender is gone, and this is one: a failed send means
        // it died. The clone is dropped on return: held, it would keep a closing writer waiting
        // for this caller.
        sender
            .send(pending)
            .await
            .map_err(|_| StoreError::WriterLost)
    }

    /// Queues every event in the order given (the writer takes them in that order, in one or
    /// more batches), then waits until each one's batch committed or failed; one answer per
    /// event, in the same order.
    pub(crate) async fn submit_all(
        &self,
        events: Vec<NewEvent>,
    ) -> Vec<Result<Receipt, StoreError>> {
        let Some(sender) = self
            .sender
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
        else {
            return events.iter().map(|_| Err(StoreError::Closed)).collect();
        };
        let mut answers = Vec::with_capacity(events.len());
        for event in events {
            let (reply, answer) = oneshot::channel();
            // One at a time: concurrent sends could take the queue's free places out of order.
            match sender.send(Pending::Event { event, reply }).await {
                Ok(()) => {
                    self.counters.handed_over.fetch_add(1, Ordering::Relaxed);
                    answers.push(Some(answer));
                }
                Err(_) => answers.push(None),
            }
        }
        drop(sender);
        futures::future::join_all(answers.into_iter().map(|answer| async move {
            match answer {
                Some(answer) => answer.await.map_err(|_| StoreError::WriterLost)?,
                None => Err(StoreError::WriterLost),
            }
        }))
        .await
    }

    /// Queues a set of verdicts (validated by the caller) and waits until its transaction
    /// committed; answers how many events changed.
    pub(crate) async fn submit_verdicts(&self, verdicts: Vec<Verdict>) -> Result<u64, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.hand_over(Pending::Verdicts { verdicts, reply })
            .await?;
        answer.await.map_err(|_| StoreError::WriterLost)?
    }

    /// Whether events can still be accepted: not closed, and the writer is alive.
    pub(crate) fn is_running(&self) -> bool {
        self.sender
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .is_some_and(|sender| !sender.is_closed())
    }

    /// Refuses new events, lets the writer finish everything already queued, and waits for it.
    pub(crate) async fn close(&self) {
        drop(
            self.sender
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take(),
        );
        let mut writer = self.writer.lock().await;
        if let Some(task) = writer.take()
            && let Err(error) = task.await
        {
            tracing::error!(
                error = %crate::report::chain(&error),
                "the inbox writer ended abnormally"
            );
        }
    }

    pub(crate) fn stats(&self) -> StoreStats {
        let c = &self.counters;
        let answered = c.answered.load(Ordering::Relaxed);
        StoreStats {
            batches: c.batches.load(Ordering::Relaxed),
            failed_batches: c.failed_batches.load(Ordering::Relaxed),
            events: c.events.load(Ordering::Relaxed),
            duplicates: c.duplicates.load(Ordering::Relaxed),
            queued: c
                .handed_over
                .load(Ordering::Relaxed)
                .saturating_sub(answered),
        }
    }
}

/// What the callers of one transaction hear: those who handed over events, then those who
/// handed over verdicts.
type Answers = (
    Vec<Result<Receipt, StoreError>>,
    Vec<Result<u64, StoreError>>,
);

/// One transaction's work, taken from the queue, with who waits for each part.
struct Taken {
    events: Vec<NewEvent>,
    replies: Vec<oneshot::Sender<Result<Receipt, StoreError>>>,
    verdicts: Vec<Vec<Verdict>>,
    verdict_replies: Vec<oneshot::Sender<Result<u64, StoreError>>>,
}

impl Taken {
    /// Sorts the queued work into events and sets of verdicts, keeping each one's order.
    fn sort(batch: &mut Vec<Pending>) -> Taken {
        let mut taken = Taken {
            events: Vec::with_capacity(batch.len()),
            replies: Vec::with_capacity(batch.len()),
            verdicts: Vec::new(),
            verdict_replies: Vec::new(),
        };
        for pending in batch.drain(..) {
            match pending {
                Pending::Event { event, reply } => {
                    taken.events.push(event);
                    taken.replies.push(reply);
                }
                Pending::Verdicts { verdicts, reply } => {
                    taken.verdicts.push(verdicts);
                    taken.verdict_replies.push(reply);
                }
            }
        }
        taken
    }

    /// Tells every caller its answer. A caller that went away (client hung up) still had its
    /// event written; its resend will find it as a duplicate.
    fn answer(self, (answers, counts): Answers, counters: &Counters) {
        counters
            .answered
            .fetch_add(len(self.replies.len()), Ordering::Relaxed);
        for (reply, answer) in self.replies.into_iter().zip(answers) {
            let _ = reply.send(answer);
        }
        for (reply, count) in self.verdict_replies.into_iter().zip(counts) {
            let _ = reply.send(count);
        }
    }
}

/// The writer task: one batch at a time until every sender is gone and the queue is empty.
async fn run<W: BatchWriter>(
    writer: W,
    mut queue: mpsc::Receiver<Pending>,
    max_batch: usize,
    counters: Arc<Counters>,
) {
    let mut batch = Vec::with_capacity(max_batch);
    while queue.recv_many(&mut batch, max_batch).await > 0 {
        let taken = Taken::sort(&mut batch);
        let outcome = writer
            .write_batch(Batch {
                events: &taken.events,
                verdicts: &taken.verdicts,
            })
            .await;
        // Counters move before anyone is answered, so a caller holding its receipt also sees
        // the commit that produced it counted.
        let answers = match outcome {
            Ok(written)
                if written.receipts.len() == taken.replies.len()
                    && written.changed.len() == taken.verdict_replies.len() =>
            {
                committed(written, !taken.replies.is_empty(), &counters)
            }
            Ok(written) => {
                tracing::error!(
                    events = taken.replies.len(),
                    receipts = written.receipts.len(),
                    verdict_sets = taken.verdict_replies.len(),
                    counts = written.changed.len(),
                    "the inbox writer answered the wrong number of receipts"
                );
                counters.failed_batches.fetch_add(1, Ordering::Relaxed);
                every_caller(&taken, || StoreError::WriterLost)
            }
            Err(error) => {
                tracing::warn!(
                    events = taken.replies.len(),
                    verdict_sets = taken.verdict_replies.len(),
                    error = %crate::report::chain(&error),
                    "inbox batch not committed; every caller in it is told to resend"
                );
                counters.failed_batches.fetch_add(1, Ordering::Relaxed);
                let shared = Arc::new(error);
                every_caller(&taken, || StoreError::BatchFailed(shared.clone()))
            }
        };
        taken.answer(answers, &counters);
    }
}

/// Counts a committed transaction (as a batch when it held events) and gives each caller its
/// receipt or count.
fn committed(written: Written, held_events: bool, counters: &Counters) -> Answers {
    let duplicates = written.receipts.iter().filter(|r| r.duplicate).count();
    if held_events {
        counters.batches.fetch_add(1, Ordering::Relaxed);
    }
    counters
        .events
        .fetch_add(len(written.receipts.len()), Ordering::Relaxed);
    counters
        .duplicates
        .fetch_add(len(duplicates), Ordering::Relaxed);
    (
        written.receipts.into_iter().map(Ok).collect(),
        written.changed.into_iter().map(Ok).collect(),
    )
}

/// The same failure for every caller of a transaction.
fn every_caller(taken: &Taken, error: impl Fn() -> StoreError) -> Answers {
    (
        taken.replies.iter().map(|_| Err(error())).collect(),
        taken.verdict_replies.iter().map(|_| Err(error())).collect(),
    )
}

fn len(count: usize) -> u64 {
    u64::try_from(count).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests;
