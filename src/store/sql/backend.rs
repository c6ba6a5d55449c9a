//! The store as a [`Backend`]: each operation is written beside its statements (the inbox in
//! `inbox.rs`, the queue's steps in `commands/`, …); this is the table of which is which.
//! Every engine write starts with [`Store::begin_write`], which keeps writers apart the way
//! its database needs.

use std::collections::BTreeMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::Store;
use crate::domain::guard::{Policy, Trip};
use crate::domain::{CommandId, Outcome, OutcomeKind, Refusal, SubjectKey};
use crate::store::backend::{Backend, ClaimRequest};
use crate::store::commands::{
    Claim, CommandFilter, CommandRecord, CommandState, EndedMany, Ending, Enqueued, FencingToken,
    GuardScope, HeldSelection, NewCommand, ProgressWrite, Release, Released,
};
use crate::store::error::StoreError;
use crate::store::group_commit::{Batch, Written};
use crate::store::inbox::{EventId, InboxEvent, InboxFilter, InboxStatus};
use crate::store::outbox::{OutboxEvent, OutboxId, OutboxRow};
use crate::store::readiness::WriteRefused;
use crate::store::subjects::{SubjectFilter, SubjectLifecycle, SubjectRecord, SubjectUpdate};

// Each method calls the inherent method of the same name, which Rust picks before the trait's.
#[async_trait]
impl Backend for Store {
    async fn write_batch(
        &self,
        batch: Batch<'_>,
        now: DateTime<Utc>,
    ) -> Result<Written, StoreError> {
        Store::write_batch(self, batch, now).await
    }

    async fn get(&self, event_id: &EventId) -> Result<Option<InboxEvent>, StoreError> {
        Store::get(self, event_id).await
    }

    async fn page(
        &self,
        statuses: Option<&[InboxStatus]>,
        filter: &InboxFilter,
    ) -> Result<Vec<InboxEvent>, StoreError> {
        Store::page(self, statuses, filter).await
    }

    async fn mark(
        &self,
        event_id: &EventId,
        status: InboxStatus,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        Store::mark(self, event_id, status, reason, now).await
    }

    async fn requeue(&self, event_id: &EventId, now: DateTime<Utc>) -> Result<(), StoreError> {
        Store::requeue(self, event_id, now).await
    }

    async fn count_by_status(&self) -> Result<BTreeMap<InboxStatus, u64>, StoreError> {
        Store::count_by_status(self).await
    }

    async fn enqueue(
        &self,
        event: Option<&EventId>,
        commands: Vec<NewCommand>,
        guard: Option<&Policy>,
        now: DateTime<Utc>,
    ) -> Result<(Vec<Enqueued>, Vec<Trip>), StoreError> {
        Store::enqueue(self, event, commands, guard, now).await
    }

    async fn release_held(
        &self,
        selection: &HeldSelection,
        release: &Release,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Released, StoreError> {
        Store::release_held(self, selection, release, actor, now).await
    }

    async fn guard_scopes(&self) -> Result<Vec<GuardScope>, StoreError> {
        Store::guard_scopes(self).await
    }

    async fn claim(&self, request: ClaimRequest<'_>) -> Result<Vec<Claim>, StoreError> {
        Store::claim(self, request).await
    }

    async fn renew(
        &self,
        command_id: &CommandId,
        fence: FencingToken,
        until: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        Store::renew(self, command_id, fence, until).await
    }

    async fn record_progress(
        &self,
        command_id: &CommandId,
        fence: FencingToken,
        key: &str,
        value: Value,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        Store::record_progress(self, command_id, fence, key, value, now).await
    }

    async fn finish(
        &self,
        command_id: &CommandId,
        fence: FencingToken,
        outcome: &Outcome,
        update: &SubjectUpdate,
        announcement: &OutboxEvent,
        now: DateTime<Utc>,
    ) -> Result<OutboxId, StoreError> {
        Store::finish(self, command_id, fence, outcome, update, announcement, now).await
    }

    async fn retry_later(
        &self,
        command_id: &CommandId,
        fence: FencingToken,
        due_at: DateTime<Utc>,
        error: &Refusal,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        Store::retry_later(self, command_id, fence, due_at, error, now).await
    }

    async fn park(
        &self,
        command_id: &CommandId,
        fence: FencingToken,
        reason: &str,
        licence: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        Store::park(self, command_id, fence, reason, licence, now).await
    }

    async fn renew_many(
        &self,
        claims: &[(CommandId, FencingToken)],
        until: DateTime<Utc>,
    ) -> Result<Vec<CommandId>, StoreError> {
        Store::renew_many(self, claims, until).await
    }

    async fn record_progress_many(
        &self,
        items: &[ProgressWrite],
        now: DateTime<Utc>,
    ) -> Result<Vec<Result<(), StoreError>>, StoreError> {
        Store::record_progress_many(self, items, now).await
    }

    async fn end_many(
        &self,
        endings: Vec<Ending>,
        now: DateTime<Utc>,
    ) -> Result<EndedMany, StoreError> {
        Store::end_many(self, endings, now).await
    }

    async fn unpark(&self, licence: Option<&str>, now: DateTime<Utc>) -> Result<u64, StoreError> {
        Store::unpark(self, licence, now).await
    }

    async fn release_expired_claims(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        Store::release_expired_claims(self, now).await
    }

    async fn release_claims_of(&self, worker: &str, now: DateTime<Utc>) -> Result<u64, StoreError> {
        Store::release_claims_of(self, worker, now).await
    }

    async fn replay(
        &self,
        command_id: &CommandId,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<CommandId, StoreError> {
        Store::replay(self, command_id, actor, now).await
    }

    async fn get_command(
        &self,
        command_id: &CommandId,
    ) -> Result<Option<CommandRecord>, StoreError> {
        Store::get_command(self, command_id).await
    }

    async fn list_commands(
        &self,
        filter: &CommandFilter,
    ) -> Result<Vec<CommandRecord>, StoreError> {
        Store::list_commands(self, filter).await
    }

    async fn next_due_at(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        Store::next_due_at(self).await
    }

    async fn count_commands_by_state(&self) -> Result<BTreeMap<CommandState, u64>, StoreError> {
        Store::count_commands_by_state(self).await
    }

    async fn count_outcomes(&self) -> Result<Vec<(OutcomeKind, u64)>, StoreError> {
        Store::count_outcomes(self).await
    }

    async fn get_subject(
        &self,
        subject: &SubjectKey,
    ) -> Result<Option<SubjectLifecycle>, StoreError> {
        Store::get_subject(self, subject).await
    }

    async fn list_subjects(
        &self,
        filter: &SubjectFilter,
    ) -> Result<Vec<SubjectRecord>, StoreError> {
        Store::list_subjects(self, filter).await
    }

    async fn last_applied(
        &self,
        subject: &SubjectKey,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        Store::last_applied(self, subject).await
    }

    async fn outbox_unpublished(&self, limit: u32) -> Result<Vec<OutboxRow>, StoreError> {
        Store::outbox_unpublished(self, limit).await
    }

    async fn outbox_event(&self, id: &OutboxId) -> Result<Option<OutboxRow>, StoreError> {
        Store::outbox_event(self, id).await
    }

    async fn mark_published(
        &self,
        ids: &[OutboxId],
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        Store::mark_published(self, ids, now).await
    }

    async fn prune_outbox(&self, older_than: DateTime<Utc>) -> Result<u64, StoreError> {
        Store::prune_outbox(self, older_than).await
    }

    async fn prune_outbox_all(&self, older_than: DateTime<Utc>) -> Result<u64, StoreError> {
        Store::prune_outbox_all(self, older_than).await
    }

    async fn ping(&self) -> Result<(), StoreError> {
        Store::ping(self).await
    }

    async fn take_turn(
        &self,
        task: &str,
        holder: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Store::take_turn(self, task, holder, now, until).await
    }

    async fn give_up_turn(&self, task: &str, holder: &str) -> Result<u64, StoreError> {
        Store::give_up_turn(self, task, holder).await
    }

    async fn roll_call(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        Store::roll_call(self, worker, now, until).await
    }

    async fn leave_roll(&self, worker: &str, now: DateTime<Utc>) -> Result<u64, StoreError> {
        Store::leave_roll(self, worker, now).await
    }

    async fn probe_write(&self, now: DateTime<Utc>) -> Result<(), WriteRefused> {
        Store::probe_write(self, now).await
    }

    async fn close(&self) {
        Store::close(self).await
    }
}
