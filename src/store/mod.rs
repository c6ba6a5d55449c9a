//! The durable store: the inbox of accepted events, the command queue, the subjects' lifecycle
//! records with their history, and the outbox of outcome events.
//!
//! Callers hold a [`Store`] and never learn which database is behind it. The store is three
//! parts:
//!
//! - the [`Store`] facade, split by concern (`inbox` here, `commands/queue.rs` and
//!   `commands/reading.rs`, `subjects/reading.rs`, `outbox/reading.rs`): it refuses what cannot
//!   be stored before any write, reads "now" from the injected [`Clock`], and wakes the relay
//!   after a transaction that wrote outbox rows;
//! - one `Backend` (`backend.rs`) behind it, as `Arc<dyn Backend>`: the operations a database must
//!   implement, with the contract they keep (each write one transaction, times handed in, never
//!   read from a clock). The SQLite backend lives in `sqlite/`, the PostgreSQL backend in
//!   `postgres/` beside it, another implementation, with no change to any caller;
//! - the group-commit writer (`group_commit`), which puts new events, and the intake's pages
//!   of verdicts, from many callers into one transaction.
//!
//! Reads and status changes go straight to the backend. The engine's operations (enqueue,
//! claim, finish, …) are each one transaction of their own on the backend; the SQLite backend
//! explains why they do not join the group commit. Claiming answers [`Claim`]s: handles that
//! carry a [`FencingToken`] and may hold several commands. Every write made under a claim
//! (renewal, progress, the outcome, a retry or park) names its token and is refused as
//! [`StoreError::ClaimLost`] once another claim took the command, on every backend (the
//! contract is in `backend.rs`).
//!
//! Beside the facade, `copy` moves a whole SQLite store into an empty PostgreSQL database
//! (`gatehouse store copy`), reading and writing the two backends' tables directly.
//!
//! Inside the store, imports run one way: the vocabulary (`inbox`, `command_state`,
//! `subjects`, `outbox`, `timestamp`) below `error`, then `readiness`, `commands`,
//! `group_commit`, `backend`, the backends, and this facade and `copy` on top. `rosters` holds
//! the rosters' vocabulary and their operations on the facade; `retention` the sweeps that
//! remove personal data past its time.

mod audit;
mod backend;
mod command_state;
mod commands;
mod comparisons;
pub mod copy;
mod erasure;
mod error;
mod event_id;
mod group_commit;
mod inbox;
mod outbox;
mod postgres;
mod readiness;
mod reconcile;
mod retention;
mod rosters;
mod sqlite;
mod stored_name;
mod subjects;
mod timestamp;
mod turns;
mod webhooks;

#[cfg(test)]
pub(crate) mod tests;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

pub use audit::{AuditEntry, AuditFilter, NewAuditEntry};
pub use commands::{
    Claim, ClaimedCommand, CommandFilter, CommandRecord, CommandState, EndedMany, Ending, Enqueued,
    FencingToken, Finish, GuardScope, HeldSelection, NewCommand, Progress, ProgressWrite, Release,
    Released, RenewedMany,
};
pub use erasure::{
    Erased, Erasure, ErasureRefusal, ErasureRequest, PendingErasure, Removed, Settled, Tombstone,
    key_hash,
};
pub use error::{StoreError, StoreErrorKind};
pub use group_commit::{StoreStats, Verdict};
pub use inbox::{
    EventId, EventIdError, InboxEvent, InboxFilter, InboxStatus, KeyOrigin, NewEvent, Receipt,
    UnknownName, body_digest,
};
pub use outbox::{OutboxEvent, OutboxId, OutboxIdError, OutboxRow, Tripped};
pub use postgres::PostgresOptions;
pub use readiness::{Blocker, Check, NotReady};
pub use reconcile::Adoption;
pub use retention::{PassResult, RetentionKind, Swept};
pub use rosters::{Absence, RosterRun, RosterRunWrite, WithAccess};
pub use sqlite::SqliteOptions;
pub use subjects::{
    HistoryEntry, HistoryKind, SubjectFilter, SubjectLifecycle, SubjectRecord, SubjectState,
    SubjectUpdate, WelcomeEmailState,
};
pub use turns::TaskTurn;
pub use webhooks::{
    Attempt, DeliveryFilter, DeliveryState, NewDelivery, PendingDelivery, SubscriberState,
    SubscriberStatus, WebhookDelivery,
};

use backend::Backend;
use chrono::{DateTime, Utc};
use group_commit::{Batch, BatchWriter, GroupCommit, Written};
use postgres::PostgresStore;
use sqlite::SqliteStore;

use crate::clock::{Clock, SystemClock};

/// The handle every part of Gatehouse uses to reach the store. Cheap to clone: clones share one
/// writer and one set of connections. When the last clone is dropped the writer still finishes
/// the events already queued; [`Store::close`] does the same and also waits for it.
#[derive(Clone)]
pub struct Store {
    shared: Arc<Shared>,
}

struct Shared {
    backend: Arc<dyn Backend>,
    /// Where every time the store records comes from.
    clock: Arc<dyn Clock>,
    intake: GroupCommit,
    /// Signalled after a transaction that wrote outbox rows, so the relay publishes them at
    /// once instead of at its next poll.
    announced: tokio::sync::Notify,
    /// Counts the same commits, for the webhook relay's subscribers, each watching it.
    announcements: tokio::sync::watch::Sender<u64>,
    /// The mass-deprovision guard every enqueue goes through, when it is on.
    guard: std::sync::RwLock<Option<Arc<crate::domain::guard::Policy>>>,
}

/// The group commit's writer: the backend, dating each batch when it is written.
struct IntakeWriter {
    backend: Arc<dyn Backend>,
    clock: Arc<dyn Clock>,
}

impl BatchWriter for IntakeWriter {
    async fn write_batch(&self, batch: Batch<'_>) -> Result<Written, StoreError> {
        self.backend.write_batch(batch, self.clock.now()).await
    }
}

impl Store {
    /// Opens the SQLite store at `path`, creating the file and its directory if missing, and
    /// brings the schema up to date. Must run inside a tokio runtime (it starts the writer).
    /// Times are recorded by the system clock; the service hands its own clock to
    /// [`Store::open_sqlite_with_clock`].
    pub async fn open_sqlite(path: &Path, options: SqliteOptions) -> Result<Store, StoreError> {
        Store::open_sqlite_with_clock(path, options, Arc::new(SystemClock)).await
    }

    /// Opens the SQLite store at `path` as [`Store::open_sqlite`] does, recording every time
    /// (receipts, updates, claims, history, outcomes, publications) by `clock`.
    pub async fn open_sqlite_with_clock(
        path: &Path,
        options: SqliteOptions,
        clock: Arc<dyn Clock>,
    ) -> Result<Store, StoreError> {
        let backend = SqliteStore::open(path, &options).await?;
        Ok(Store::start(
            Arc::new(backend),
            clock,
            options.max_batch,
            options.queue_depth,
        ))
    }

    /// Opens the PostgreSQL store `options` name, bringing its schema up to date (one replica
    /// migrates while the others wait), recording every time by `clock`. Must run inside a
    /// tokio runtime (it starts the writer).
    pub async fn open_postgres_with_clock(
        options: PostgresOptions,
        clock: Arc<dyn Clock>,
    ) -> Result<Store, StoreError> {
        let backend = PostgresStore::open(&options).await?;
        Ok(Store::start(
            Arc::new(backend),
            clock,
            options.max_batch,
            options.queue_depth,
        ))
    }

    /// Starts the group-commit writer in front of `backend`.
    fn start(
        backend: Arc<dyn Backend>,
        clock: Arc<dyn Clock>,
        max_batch: usize,
        queue_depth: usize,
    ) -> Store {
        let writer = IntakeWriter {
            backend: backend.clone(),
            clock: clock.clone(),
        };
        Store {
            shared: Arc::new(Shared {
                backend,
                clock,
                intake: GroupCommit::start(writer, max_batch, queue_depth),
                announced: tokio::sync::Notify::new(),
                announcements: tokio::sync::watch::Sender::new(0),
                guard: std::sync::RwLock::new(None),
            }),
        }
    }

    /// The backend every operation goes to.
    fn backend(&self) -> &dyn Backend {
        self.shared.backend.as_ref()
    }

    /// Now, by the store's clock: the time an operation records.
    fn now(&self) -> DateTime<Utc> {
        self.shared.clock.now()
    }

    /// Writes the event durably and answers only once it is committed. A delivery whose
    /// (source, dedupe key) is already stored writes nothing and gets the first delivery's
    /// receipt with `duplicate` set. On any error nothing is acknowledged: the sender should be
    /// told to resend (503 when [`StoreError::is_unavailable`]).
    pub async fn accept(&self, event: NewEvent) -> Result<Receipt, StoreError> {
        if let Some(problem) = event.unstorable() {
            return Err(StoreError::InvalidEvent(problem));
        }
        self.shared.intake.submit(event).await
    }

    /// Writes every event durably, in the order given, and answers once each is committed:
    /// one answer per event, in the same order, each as [`Store::accept`] would give it. The
    /// events share the group commit's transactions, so a batch of them costs about what one
    /// costs; the order is what lets a Kafka partition's records enter the inbox in offset order.
    pub async fn accept_all(&self, events: Vec<NewEvent>) -> Vec<Result<Receipt, StoreError>> {
        let mut answers: Vec<Option<Result<Receipt, StoreError>>> =
            Vec::with_capacity(events.len());
        let mut storable = Vec::with_capacity(events.len());
        for event in events {
            match event.unstorable() {
                Some(problem) => answers.push(Some(Err(StoreError::InvalidEvent(problem)))),
                None => {
                    answers.push(None);
                    storable.push(event);
                }
            }
        }
        let mut written = self.shared.intake.submit_all(storable).await.into_iter();
        answers
            .into_iter()
            .map(|answer| match answer {
                Some(refused) => refused,
                None => written.next().unwrap_or(Err(StoreError::WriterLost)),
            })
            .collect()
    }

    /// The event with this id, body included.
    pub async fn get(&self, event_id: &EventId) -> Result<Option<InboxEvent>, StoreError> {
        self.backend().get(event_id).await
    }

    /// One page of events, oldest first; pass the last id of a page as `after` for the next.
    pub async fn list(&self, filter: &InboxFilter) -> Result<Vec<InboxEvent>, StoreError> {
        let statuses = filter.status.map(|status| [status]);
        self.backend()
            .page(statuses.as_ref().map(|s| &s[..]), filter)
            .await
    }

    /// One page of events an operator may replay (`ignored` or `unmapped`), oldest first. A
    /// `status` in the filter narrows to that status; a status that is not replayable yields
    /// nothing.
    pub async fn replayable(&self, filter: &InboxFilter) -> Result<Vec<InboxEvent>, StoreError> {
        let statuses: Vec<InboxStatus> = InboxStatus::ALL
            .into_iter()
            .filter(|status| status.is_replayable())
            .filter(|status| filter.status.is_none_or(|wanted| wanted == *status))
            .collect();
        self.backend().page(Some(&statuses), filter).await
    }

    /// Records a later stage's verdict on an `accepted` event: `mapped`, or `ignored` /
    /// `unmapped` with the reason. Counts one attempt. Only `accepted` events can be marked,
    /// and nothing can be marked `accepted` (that is [`Store::requeue`]); otherwise
    /// [`StoreError::Refused`], or [`StoreError::UnknownEvent`].
    pub async fn mark(
        &self,
        event_id: &EventId,
        status: InboxStatus,
        reason: Option<String>,
    ) -> Result<(), StoreError> {
        self.backend()
            .mark(event_id, status, reason.as_deref(), self.now())
            .await
    }

    /// Gives several `accepted` events their verdicts (`ignored`, `unmapped`, `mapped`) in one
    /// transaction; events no longer `accepted` are left as they are. Returns how many changed.
    ///
    /// The verdicts join the group commit's next transaction, beside new events, instead of
    /// costing a disk sync of their own. The first verdict given for an event counts, as it
    /// would if each were applied in turn; `accepted` is not a verdict.
    pub async fn mark_many(&self, verdicts: &[Verdict]) -> Result<u64, StoreError> {
        if verdicts
            .iter()
            .any(|(_, status, _)| *status == InboxStatus::Accepted)
        {
            return Err(StoreError::InvalidEvent(
                "an event cannot be marked accepted",
            ));
        }
        let mut seen = std::collections::HashSet::new();
        let verdicts: Vec<_> = verdicts
            .iter()
            .filter(|(event_id, _, _)| seen.insert(event_id.as_str()))
            .cloned()
            .collect();
        if verdicts.is_empty() {
            return Ok(0);
        }
        self.shared.intake.submit_verdicts(verdicts).await
    }

    /// Puts an `ignored` or `unmapped` event back to `accepted` so the mapping stage sees it
    /// again; clears its reason, counts the replay and records when. Any other status is
    /// [`StoreError::Refused`], so pressing "replay" twice does not replay twice.
    pub async fn requeue(&self, event_id: &EventId) -> Result<(), StoreError> {
        self.backend().requeue(event_id, self.now()).await
    }

    /// Events per status, every status present (zeros included), for metrics.
    pub async fn count_by_status(&self) -> Result<BTreeMap<InboxStatus, u64>, StoreError> {
        self.backend().count_by_status().await
    }

    /// The database answers a read and the writer is taking events.
    pub async fn ping(&self) -> Result<(), StoreError> {
        if !self.shared.intake.is_running() {
            return Err(StoreError::Closed);
        }
        self.backend().ping().await
    }

    /// Readiness: a reader answers ([`Store::ping`]) and the writer commits the heartbeat row,
    /// both within `timeout`, so the caller never waits longer whatever the database does (a
    /// lock held elsewhere, a hung disk). Each call commits one small row rewritten in place.
    pub async fn readiness(&self, timeout: Duration) -> Result<(), NotReady> {
        let deadline = tokio::time::Instant::now() + timeout;
        let timed_out = |check| NotReady {
            check,
            blocker: Blocker::TimedOut,
            source: None,
        };
        tokio::time::timeout_at(deadline, self.ping())
            .await
            .map_err(|_| timed_out(Check::Reads))?
            .map_err(|source| NotReady::from_error(Check::Reads, source))?;
        tokio::time::timeout_at(deadline, self.probe_write())
            .await
            .map_err(|_| timed_out(Check::Writes))?
    }

    /// Commits the heartbeat row, unless the store is closed.
    async fn probe_write(&self) -> Result<(), NotReady> {
        if !self.shared.intake.is_running() {
            return Err(NotReady::from_error(Check::Writes, StoreError::Closed));
        }
        Ok(self.backend().probe_write(self.now()).await?)
    }

    /// Group-commit counters: batches committed, events answered, and what is waiting.
    pub fn stats(&self) -> StoreStats {
        self.shared.intake.stats()
    }

    /// Stops taking events, finishes writing those already queued, then closes the database.
    /// Every clone sees the store closed afterwards; calling it again is harmless.
    pub async fn close(&self) {
        self.shared.intake.close().await;
        self.backend().close().await
    }
}
