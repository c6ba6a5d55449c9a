//! The one interface a database implements to hold Gatehouse's store.
//!
//! [`Store`](super::Store) checks what callers hand in, reads the injected clock, runs the group
//! commit and wakes the outbox relay; everything that touches the database goes through
//! [`Backend`]. The SQLite backend (`store/sqlite/`) is one implementation, the PostgreSQL backend
//! (`store/postgres/`) another beside it, both compiling the statements of `store/sql/`; no
//! caller of the store knows which it holds.
//!
//! # The contract every backend keeps
//!
//! - **Atomic operations.** Every operation that writes is one transaction: it commits whole or
//!   leaves nothing behind, and what it read to decide (a command's state, a waiting command to
//!   supersede, a duplicate's first delivery) cannot change before it writes. Concurrent
//!   operations behave as if they ran one after another.
//! - **Durable answers.** An operation answers `Ok` only after its transaction committed
//!   durably; an error means nothing of it was written, except where an operation says
//!   otherwise (pruning deletes in chunks, each its own transaction).
//! - **The caller's time.** A backend never reads a clock. Each operation that records a time is
//!   handed `now`, read from the store's injected clock, and stores it cut to the millisecond
//!   (what [`timestamp`](super::timestamp) keeps); so a test's clock, not the wall clock, dates
//!   every row.
//! - **Checked input.** The [`Store`](super::Store) refuses events and commands that cannot be
//!   stored faithfully before a backend sees them; a backend may assume times are within the
//!   years 0 to 9999 unless an operation says it checks them.
//! - **Fenced claims.** Every claim raises the command's claim token and answers it as the
//!   [`FencingToken`] of the [`Claim`]. Every write made under a claim — [`Backend::renew`],
//!   [`Backend::record_progress`], [`Backend::finish`], [`Backend::retry_later`],
//!   [`Backend::park`], and each item of [`Backend::renew_many`],
//!   [`Backend::record_progress_many`] and [`Backend::end_many`] — names the token and changes
//!   the command only while it is still `running` under that very token (`… WHERE command_id =
//!   ? AND state = 'running' AND claim_token = ?`), in the same transaction as the rest of its
//!   writes. A write whose token
//!   is no longer the command's (released on expiry, or claimed again since) writes nothing
//!   and answers [`StoreError::ClaimLost`], never `Unavailable`: the run that made it has been
//!   replaced and must stop. [`Backend::release_expired_claims`] releases only claims whose
//!   end, as last renewed, is before `now`, decided in the statement that releases them, so a
//!   renewal that commits first keeps its claim.
//! - **Errors sorted once.** Failures are [`StoreError`]s with their database error kept as the
//!   cause; a backend sorts them into `Unavailable` (worth trying again) and `Failed` (broken)
//!   as its database's error codes say.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use serde_json::Value;

use super::audit::AuditBackend;
use super::commands::{
    Claim, CommandFilter, CommandRecord, CommandState, EndedMany, Ending, Enqueued, FencingToken,
    GuardScope, HeldSelection, NewCommand, ProgressWrite, Release, Released,
};
use super::comparisons::ComparisonBackend;
use super::erasure::ErasureBackend;
use super::error::StoreError;
use super::group_commit::{Batch, Written};
use super::inbox::{EventId, InboxEvent, InboxFilter, InboxStatus};
use super::outbox::{OutboxEvent, OutboxId, OutboxRow};
use super::readiness::WriteRefused;
use super::retention::RetentionBackend;
use super::subjects::{SubjectFilter, SubjectLifecycle, SubjectRecord, SubjectUpdate};
use super::webhooks::WebhookBackend;
use crate::domain::guard::{Policy, Trip};
use crate::domain::{CommandId, Outcome, OutcomeKind, Refusal, SubjectKey};

/// What a worker asks for when it claims: up to `limit` commands due at `now`, held for
/// `worker` until `now + lease`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ClaimRequest<'a> {
    pub now: DateTime<Utc>,
    pub limit: u32,
    pub worker: &'a str,
    pub lease: TimeDelta,
}

/// A database that holds the inbox, the command queue, the subjects' records and the outbox.
/// See the module documentation for what every operation promises.
#[async_trait]
pub(crate) trait Backend:
    WebhookBackend
    + ComparisonBackend
    + ErasureBackend
    + AuditBackend
    + RetentionBackend
    + Send
    + Sync
    + 'static
{
    // The inbox.

    /// Writes a group commit's batch in one transaction: new events (a known (source, dedupe
    /// key) is answered with the first delivery's receipt, also within the batch) and sets of
    /// verdicts for events still `accepted`. One receipt per event and one count per set, in
    /// the order given.
    async fn write_batch(
        &self,
        batch: Batch<'_>,
        now: DateTime<Utc>,
    ) -> Result<Written, StoreError>;

    /// The event with this id, body included.
    async fn get(&self, event_id: &EventId) -> Result<Option<InboxEvent>, StoreError>;

    /// One page of events in id order. `statuses: None` means any status; an empty list
    /// matches nothing.
    async fn page(
        &self,
        statuses: Option<&[InboxStatus]>,
        filter: &InboxFilter,
    ) -> Result<Vec<InboxEvent>, StoreError>;

    /// Gives an `accepted` event its verdict and counts the attempt; any other current status,
    /// or `status` `accepted`, is [`StoreError::Refused`], an unknown event
    /// [`StoreError::UnknownEvent`].
    async fn mark(
        &self,
        event_id: &EventId,
        status: InboxStatus,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Puts a replayable event back to `accepted`, clearing its reason and counting the replay
    /// at `now`; refused as [`Backend::mark`] is.
    async fn requeue(&self, event_id: &EventId, now: DateTime<Utc>) -> Result<(), StoreError>;

    /// Events per status, every status present.
    async fn count_by_status(&self) -> Result<BTreeMap<InboxStatus, u64>, StoreError>;

    // The command queue.

    /// In one transaction: marks `event` `mapped` (a `mapped` one stays so), and stores each
    /// command not stored yet for its (event, item key), with its subject's record, history
    /// row and the supersede rule applied, ending commands with their outcomes and outbox rows.
    /// The commands are checked and cut to the millisecond.
    ///
    /// With a `guard` policy, the guarded deprovisions are judged in the same transaction
    /// (`domain::guard`): held ones are stored `held` with their reason, admitted ones counted
    /// in the window, and each trip recorded with its `dev.gatehouse.guard.tripped` outbox row;
    /// the trips are answered beside the commands.
    async fn enqueue(
        &self,
        event: Option<&EventId>,
        commands: Vec<NewCommand>,
        guard: Option<&Policy>,
        now: DateTime<Utc>,
    ) -> Result<(Vec<Enqueued>, Vec<Trip>), StoreError>;

    /// Approves or rejects the held commands `selection` names, for `actor`, in one transaction
    /// with their history rows (and, for rejections, outcomes and outbox rows); then clears each
    /// tripped scope that holds nothing any more.
    async fn release_held(
        &self,
        selection: &HeldSelection,
        release: &Release,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Released, StoreError>;

    /// Every scope of the guard that has tripped, with the commands it holds now.
    async fn guard_scopes(&self) -> Result<Vec<GuardScope>, StoreError>;

    /// Claims due, unblocked commands (at most one per subject, none of a subject with one
    /// running), each becoming `running` with one more attempt and a claim token larger than
    /// any it had before, in one transaction. A time outside what the store keeps is
    /// [`StoreError::InvalidTime`].
    async fn claim(&self, request: ClaimRequest<'_>) -> Result<Vec<Claim>, StoreError>;

    /// Extends a running command's claim under `fence` to end at `until`; a claim no longer
    /// held under `fence` is [`StoreError::ClaimLost`].
    async fn renew(
        &self,
        command_id: &CommandId,
        fence: FencingToken,
        until: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Merges `key: value` into the progress of a command running under `fence`, with a
    /// history row.
    async fn record_progress(
        &self,
        command_id: &CommandId,
        fence: FencingToken,
        key: &str,
        value: Value,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Ends a command running under `fence`: outcome, subject record, history row and the
    /// announcement's outbox row, in one transaction. Answers the outbox id.
    async fn finish(
        &self,
        command_id: &CommandId,
        fence: FencingToken,
        outcome: &Outcome,
        update: &SubjectUpdate,
        announcement: &OutboxEvent,
        now: DateTime<Utc>,
    ) -> Result<OutboxId, StoreError>;

    /// Gives a command running under `fence` back to wait until `due_at`, keeping the error;
    /// its claim ends.
    async fn retry_later(
        &self,
        command_id: &CommandId,
        fence: FencingToken,
        due_at: DateTime<Utc>,
        error: &Refusal,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Sets a command running under `fence` aside until it is unparked; its claim ends.
    async fn park(
        &self,
        command_id: &CommandId,
        fence: FencingToken,
        reason: &str,
        licence: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Extends, in one transaction, each claim still held under its token to end at `until`;
    /// answers the commands whose claim was not (nothing was written for them).
    async fn renew_many(
        &self,
        claims: &[(CommandId, FencingToken)],
        until: DateTime<Utc>,
    ) -> Result<Vec<CommandId>, StoreError>;

    /// [`Backend::record_progress`] for each item, in one transaction, each fenced on its own
    /// token: an item whose claim is not held writes nothing and is answered in its slot
    /// ([`StoreError::ClaimLost`], or why the step is refused); a failure of the database is
    /// the outer error and writes nothing.
    async fn record_progress_many(
        &self,
        items: &[ProgressWrite],
        now: DateTime<Utc>,
    ) -> Result<Vec<Result<(), StoreError>>, StoreError>;

    /// [`Backend::finish`], [`Backend::retry_later`] or [`Backend::park`] for each ending, in
    /// one transaction, each fenced on its own token and answered in its slot as
    /// [`Backend::record_progress_many`] answers; with, for the finishes whose claim is held,
    /// their follow-up commands enqueued before the endings and the commands parked on the
    /// licences they freed queued after them. The endings are checked and cut to the
    /// millisecond.
    async fn end_many(
        &self,
        endings: Vec<Ending>,
        now: DateTime<Utc>,
    ) -> Result<EndedMany, StoreError>;

    /// Queues, due `now`, the commands parked on `licence` (all when `None`); answers how many.
    async fn unpark(&self, licence: Option<&str>, now: DateTime<Utc>) -> Result<u64, StoreError>;

    /// Puts running commands whose claim ended before `now` back to `queued`.
    async fn release_expired_claims(&self, now: DateTime<Utc>) -> Result<u64, StoreError>;

    /// Puts every command `worker` holds back to `queued`.
    async fn release_claims_of(&self, worker: &str, now: DateTime<Utc>) -> Result<u64, StoreError>;

    /// Copies a dead-lettered command into a new one due `now`, recording `actor`.
    async fn replay(
        &self,
        command_id: &CommandId,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<CommandId, StoreError>;

    /// The command with this id and its whole state.
    async fn get_command(
        &self,
        command_id: &CommandId,
    ) -> Result<Option<CommandRecord>, StoreError>;

    /// One page of commands in id order.
    async fn list_commands(&self, filter: &CommandFilter)
    -> Result<Vec<CommandRecord>, StoreError>;

    /// The earliest time a claim can succeed; `None` when nothing waits that time alone will
    /// make claimable.
    async fn next_due_at(&self) -> Result<Option<DateTime<Utc>>, StoreError>;

    /// Commands per state, every state present.
    async fn count_commands_by_state(&self) -> Result<BTreeMap<CommandState, u64>, StoreError>;

    /// Commands per outcome, every outcome present.
    async fn count_outcomes(&self) -> Result<Vec<(OutcomeKind, u64)>, StoreError>;

    // The subjects' lifecycle records.

    /// The record and its history, read so that they agree with each other.
    async fn get_subject(
        &self,
        subject: &SubjectKey,
    ) -> Result<Option<SubjectLifecycle>, StoreError>;

    /// One page of records in key order, without history.
    async fn list_subjects(&self, filter: &SubjectFilter)
    -> Result<Vec<SubjectRecord>, StoreError>;

    /// The subject's last applied source time.
    async fn last_applied(&self, subject: &SubjectKey)
    -> Result<Option<DateTime<Utc>>, StoreError>;

    // The outbox.

    /// Up to `limit` events not yet published, oldest first.
    async fn outbox_unpublished(&self, limit: u32) -> Result<Vec<OutboxRow>, StoreError>;

    /// One event by id.
    async fn outbox_event(&self, id: &OutboxId) -> Result<Option<OutboxRow>, StoreError>;

    /// Marks the events published at `now`; ones already marked keep their first time.
    async fn mark_published(&self, ids: &[OutboxId], now: DateTime<Utc>)
    -> Result<u64, StoreError>;

    /// Deletes events published before `older_than`, never unpublished ones.
    async fn prune_outbox(&self, older_than: DateTime<Utc>) -> Result<u64, StoreError>;

    /// Deletes events created before `older_than`, published or not.
    async fn prune_outbox_all(&self, older_than: DateTime<Utc>) -> Result<u64, StoreError>;

    // Coordination of the replicas sharing the store.

    /// Takes or renews `task`'s turn for `holder` until `until`; answers whether `holder`
    /// holds it. Another holder's turn is taken only once it expired at `now`. One statement,
    /// atomic across replicas.
    async fn take_turn(
        &self,
        task: &str,
        holder: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// Gives up `task`'s turn if `holder` holds it.
    async fn give_up_turn(&self, task: &str, holder: &str) -> Result<u64, StoreError>;

    /// Records `worker` alive until `until`; answers how many replicas are alive at `now`
    /// (at least 1: `worker`).
    async fn roll_call(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<u64, StoreError>;

    /// Takes `worker` off the roll, and every replica whose row expired before `now`.
    async fn leave_roll(&self, worker: &str, now: DateTime<Utc>) -> Result<u64, StoreError>;

    // The database itself.

    /// Proves the database answers a read.
    async fn ping(&self) -> Result<(), StoreError>;

    /// Proves the database takes a write now, for readiness: commits the one heartbeat row
    /// (`store_heartbeat`, key 1) with `now`, through the same connection, lock and disk sync
    /// as every other write. The row is rewritten in place, so nothing grows however often it
    /// runs. A refusal names its [`Blocker`](super::readiness::Blocker) from the database's own
    /// error codes (SQLite's `SQLITE_BUSY`, `SQLITE_READONLY`, `SQLITE_FULL`; PostgreSQL's
    /// SQLSTATEs `55P03`, `25006`, `53100`). The caller bounds the wait; a
    /// backend must tolerate the future being dropped at any await (the transaction rolls back).
    async fn probe_write(&self, now: DateTime<Utc>) -> Result<(), WriteRefused>;

    /// Closes every connection, waiting for those in use.
    async fn close(&self);
}
