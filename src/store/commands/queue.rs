//! The queue's write side on the [`Store`] facade: what the mapping, the executor and operators
//! call. Each method is one transaction on the backend.

use std::collections::HashSet;

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::Value;

use super::{
    Claim, ClaimedCommand, CommandState, Enqueued, FencingToken, NewCommand, check_storable,
};
use crate::domain::{CommandId, Outcome, Refusal};
use crate::store::Store;
use crate::store::backend::ClaimRequest;
use crate::store::error::StoreError;
use crate::store::inbox::EventId;
use crate::store::outbox::{OutboxEvent, OutboxId};
use crate::store::subjects::SubjectUpdate;
use crate::store::timestamp;

impl Store {
    /// Stores an event's commands and, when `event` is given, marks that inbox event `mapped`,
    /// in one transaction: either the event is mapped and all its commands exist, or neither.
    ///
    /// A command whose (event, item key) is already stored is not stored again; its answer is
    /// the stored command's id with `duplicate` set, so mapping an event twice changes nothing.
    /// Each new command supersedes its subject's waiting commands with an older source time
    /// (writing their outcomes, history and announcements), or is superseded on arrival by a
    /// newer waiting one. The subject's record is created on first sight.
    ///
    /// Under the mass-deprovision guard ([`Store::set_guard`]), deprovisions that do not come
    /// from an operator are judged in the same transaction: a held one is stored `held` with
    /// its reason (see `domain::guard`). Callers need do nothing of their own for it.
    ///
    /// Commands for `event` must carry it as their origin's event id (it is filled in when
    /// missing) and have distinct item keys; otherwise, or if a command cannot be stored,
    /// [`StoreError::InvalidCommand`] and nothing is written.
    pub async fn enqueue(
        &self,
        event: Option<&EventId>,
        commands: Vec<NewCommand>,
    ) -> Result<Vec<Enqueued>, StoreError> {
        check_storable(&commands)?;
        let mut prepared = Vec::with_capacity(commands.len());
        let mut items = HashSet::new();
        for mut command in commands {
            if let Some(event) = event {
                match &command.origin.event_id {
                    None => command.origin.event_id = Some(event.as_str().to_owned()),
                    Some(named) if named == event.as_str() => {}
                    Some(_) => {
                        return Err(StoreError::InvalidCommand {
                            command_id: command.id,
                            problem: "its origin names another inbox event",
                        });
                    }
                }
            }
            if let Some(event_id) = &command.origin.event_id
                && !items.insert((event_id.clone(), command.item_key.clone()))
            {
                return Err(StoreError::InvalidCommand {
                    command_id: command.id,
                    problem: "another command of the call has the same event and item key",
                });
            }
            prepared.push(command.cut_to_millis());
        }
        let guard = self.guard();
        let (enqueued, trips) = self
            .backend()
            .enqueue(event, prepared, guard.as_deref(), self.now())
            .await?;
        for trip in &trips {
            tracing::warn!(
                scope = trip.scope.key(),
                deprovisions = trip.deprovisions,
                allowed = trip.allowed,
                managed = trip.managed,
                held = enqueued
                    .iter()
                    .filter(|e| e.state == CommandState::Held)
                    .count(),
                "mass-deprovision guard tripped: deprovisions are held until an operator \
                 approves or rejects them (gatehouse held list)"
            );
        }
        // Superseding writes outcomes, and so announcements, of the commands it ends; a trip
        // announces itself.
        if !trips.is_empty()
            || enqueued.iter().any(|e| {
                !e.superseded.is_empty() || (!e.duplicate && e.state == CommandState::Done)
            })
        {
            self.announced();
        }
        Ok(enqueued)
    }

    /// Claims up to `limit` commands due at `now` for `worker`, until `now + lease`: at most one
    /// per subject, none of a subject that has a command running, a subject's oldest (by source
    /// time, then enqueue order) first. Each becomes `running` with one more attempt.
    ///
    /// Each [`Claim`] is what one run of the executor takes: today one command, and the
    /// [`FencingToken`] every write made under the claim names. A claim lasts `lease` unless
    /// its holder renews it ([`Store::renew`]); once it has expired it may be released and the
    /// command claimed again under a larger token.
    pub async fn claim(
        &self,
        now: DateTime<Utc>,
        limit: u32,
        worker: &str,
        lease: TimeDelta,
    ) -> Result<Vec<Claim>, StoreError> {
        self.backend()
            .claim(ClaimRequest {
                now,
                limit,
                worker,
                lease,
            })
            .await
    }

    /// The commands of [`Store::claim`]'s claims, in order, for a worker that runs each
    /// command on its own.
    pub async fn claim_due(
        &self,
        now: DateTime<Utc>,
        limit: u32,
        worker: &str,
        lease: TimeDelta,
    ) -> Result<Vec<ClaimedCommand>, StoreError> {
        let claims = self.claim(now, limit, worker, lease).await?;
        Ok(claims.into_iter().flatten().collect())
    }

    /// Extends the claim held under `fence` to `lease` from now, while its run goes on. A
    /// claim no longer held (expired and released, or claimed again since) is
    /// [`StoreError::ClaimLost`]: the run must stop. Answers the claim's new end.
    pub async fn renew(
        &self,
        command_id: &CommandId,
        fence: FencingToken,
        lease: TimeDelta,
    ) -> Result<DateTime<Utc>, StoreError> {
        let until = self
            .now()
            .checked_add_signed(lease)
            .map(timestamp::to_millis)
            .ok_or(StoreError::InvalidTime("the end of the claim"))?;
        self.backend().renew(command_id, fence, until).await?;
        Ok(until)
    }

    /// Durably records `key: value` in the progress of a command running under `fence` (and
    /// its subject's history) before a call that must not be repeated, such as the one that
    /// sends the welcome email. A rerun after a crash finds it in
    /// [`ClaimedCommand::progress`]. A claim no longer held is [`StoreError::ClaimLost`].
    pub async fn record_progress(
        &self,
        command_id: &CommandId,
        fence: FencingToken,
        key: &str,
        value: Value,
    ) -> Result<(), StoreError> {
        self.backend()
            .record_progress(command_id, fence, key, value, self.now())
            .await
    }

    /// Ends a running command with its outcome. In one transaction: the command becomes `done`
    /// with the outcome; the subject's record takes the outcome's Salesforce ids and `update`,
    /// and, when the outcome is `succeeded` or `no_change`, the command's source time as its
    /// last applied one (never moving backwards) and the intent's reasons; a history row; and
    /// the announcement in the outbox, whose id is returned. Nothing is written when the
    /// command no longer runs under `fence` ([`StoreError::ClaimLost`]), or is not running at
    /// all ([`StoreError::CommandRefused`], or [`StoreError::UnknownCommand`]).
    pub async fn finish(
        &self,
        command_id: &CommandId,
        fence: FencingToken,
        outcome: Outcome,
        update: SubjectUpdate,
        announcement: OutboxEvent,
    ) -> Result<OutboxId, StoreError> {
        let outbox_id = self
            .backend()
            .finish(
                command_id,
                fence,
                &outcome,
                &update,
                &announcement,
                self.now(),
            )
            .await?;
        self.announced();
        Ok(outbox_id)
    }

    /// Gives a command running under `fence` back to wait until `due_at` after a transient
    /// failure, keeping the error for operators; its claim ends.
    pub async fn retry_later(
        &self,
        command_id: &CommandId,
        fence: FencingToken,
        due_at: DateTime<Utc>,
        error: &Refusal,
    ) -> Result<(), StoreError> {
        self.backend()
            .retry_later(command_id, fence, due_at, error, self.now())
            .await
    }

    /// Sets a command running under `fence` aside until [`Store::unpark`], e.g. on
    /// `LICENSE_LIMIT_EXCEEDED` with the licence it waits for; its claim ends.
    pub async fn park(
        &self,
        command_id: &CommandId,
        fence: FencingToken,
        reason: &str,
        licence: Option<&str>,
    ) -> Result<(), StoreError> {
        self.backend()
            .park(command_id, fence, reason, licence, self.now())
            .await
    }

    /// Queues, due now, the commands parked on `licence` (all parked commands when `None`),
    /// e.g. after a deactivation freed one. Answers how many.
    pub async fn unpark(&self, licence: Option<&str>) -> Result<u64, StoreError> {
        self.backend().unpark(licence, self.now()).await
    }

    /// Puts running commands whose claim ended before `now` back to `queued`: their worker is
    /// gone, or stopped renewing. A claim renewed in time is kept. Answers how many.
    pub async fn release_expired_claims(&self, now: DateTime<Utc>) -> Result<u64, StoreError> {
        self.backend().release_expired_claims(now).await
    }

    /// Puts everything `worker` was running back to `queued`. Called at start-up with the
    /// process's own worker id, whose earlier incarnation can no longer be running anything.
    pub async fn release_claims_of(&self, worker: &str) -> Result<u64, StoreError> {
        self.backend().release_claims_of(worker, self.now()).await
    }

    /// Copies a dead-lettered command into a new queued command with the same intent, origin
    /// and item, due now, and records `actor` in the subject's history. The new command follows
    /// the supersede rule like any other. Replaying the same command twice is
    /// [`StoreError::AlreadyReplayed`]; replay the replay instead.
    pub async fn replay(
        &self,
        command_id: &CommandId,
        actor: &str,
    ) -> Result<CommandId, StoreError> {
        self.backend().replay(command_id, actor, self.now()).await
    }
}
