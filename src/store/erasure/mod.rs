//! Erasure of one person on request: their personal data leaves every table in one
//! transaction, and a tombstone stays with the keyed hash of their subject key, the last source
//! time applied to them, when, who and why (docs/privacy.md, "Erasing a person").
//!
//! The tombstone is for the record, not a block: a later event for the same key is handled as
//! usual, and one older than the tombstone's last applied source time is skipped as stale, as
//! it would have been before the erasure (the new lifecycle record starts from that time).
//!
//! A person who still has access is not erased: an operator deprovisions first, or asks for the
//! deprovision with the erasure, which is then kept as pending ([`PendingErasure`]) and done by
//! [`Store::settle_erasures`] once the deprovision has ended.

mod backend;
mod scrub;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;

pub(crate) use backend::ErasureBackend;
pub(crate) use scrub::scrub_report;

use super::Store;
use super::error::StoreError;
use super::outbox::{OutboxEvent, OutboxId};
use super::subjects::SubjectState;
use crate::domain::event_type::SUBJECT_ERASED;
use crate::domain::{CommandId, SubjectKey};

/// Who asks for an erasure, and why: both kept in the tombstone. The reason should not name
/// the person (the tombstone outlives them).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErasureRequest {
    pub actor: String,
    pub reason: Option<String>,
}

/// What stays of an erased person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tombstone {
    /// `subject:` and the keyed hash of the subject key (see [`key_hash`]).
    pub key_hash: String,
    /// The source time of the last event applied to them: an older event is still stale.
    pub last_applied_source_time: Option<DateTime<Utc>>,
    pub erased_at: DateTime<Utc>,
    pub actor: String,
    pub reason: Option<String>,
}

/// How many rows of each kind an erasure removed (or, for inbox events and reports, emptied
/// of the person).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Removed {
    pub commands: u64,
    pub history: u64,
    pub outbox_events: u64,
    pub webhook_deliveries: u64,
    /// Inbox events whose bodies were emptied (their dedupe keys and verdicts stay).
    pub inbox_bodies: u64,
    pub roster_absences: u64,
    /// Roster run and reconciliation reports that named the person, their entries removed.
    pub reports: u64,
}

/// A finished erasure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Erased {
    /// The id the erasure is announced under (the outbox row's command id).
    pub erasure_id: CommandId,
    pub tombstone: Tombstone,
    pub removed: Removed,
    /// The `dev.gatehouse.subject.erased` announcement.
    pub outbox_id: OutboxId,
}

/// Why a person was not erased; nothing was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErasureRefusal {
    /// No lifecycle record and no command has this key.
    Unknown,
    /// Their record says they can still log in (`provisioned` or `frozen`).
    HasAccess { state: SubjectState },
    /// A command for them is under way: running, or started and waiting to try again.
    Busy { command_id: CommandId },
}

/// What an erasure did.
#[derive(Debug, Clone, PartialEq)]
pub enum Erasure {
    Erased(Box<Erased>),
    Refused(ErasureRefusal),
}

/// An erasure waiting for its deprovision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PendingErasure {
    pub subject: SubjectKey,
    /// The deprovision it waits for.
    pub command_id: CommandId,
    pub actor: String,
    pub reason: Option<String>,
    pub requested_at: DateTime<Utc>,
}

/// What became of a pending erasure whose deprovision ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Settled {
    Erased(Box<Erased>),
    /// Given up, with why (also written to the person's history): they still have access.
    Abandoned {
        subject: SubjectKey,
        why: String,
    },
}

/// The keyed hash a tombstone keeps of a subject key: `subject:` and 12 hex digits of
/// HMAC-SHA256 under `[log] mask_key`, the hash log lines mask personal values with.
pub fn key_hash(subject: &SubjectKey) -> String {
    crate::telemetry::mask::subject(subject.as_str())
        .as_str()
        .to_owned()
}

impl OutboxEvent {
    /// The announcement of an erasure (`dev.gatehouse.subject.erased`): the tombstone, which
    /// names the person by the keyed hash of their key only.
    pub fn subject_erased(erasure_id: &CommandId, tombstone: &Tombstone) -> OutboxEvent {
        OutboxEvent {
            event_type: SUBJECT_ERASED.to_owned(),
            payload: json!({
                "erasure_id": erasure_id,
                "subject_hash": tombstone.key_hash,
                "last_applied_source_time": tombstone.last_applied_source_time
                    .map(crate::store::timestamp::to_millis),
                "erased_at": crate::store::timestamp::to_millis(tombstone.erased_at),
                "actor": tombstone.actor,
                "reason": tombstone.reason,
            }),
            traceparent: None,
        }
    }
}

impl Store {
    /// Erases the person now, in one transaction, or says why not (nothing written then).
    pub async fn erase_subject(
        &self,
        subject: &SubjectKey,
        request: &ErasureRequest,
    ) -> Result<Erasure, StoreError> {
        let erasure = self
            .backend()
            .erase_subject(subject, request, self.now())
            .await?;
        if matches!(erasure, Erasure::Erased(_)) {
            self.announced();
        }
        Ok(erasure)
    }

    /// Keeps an erasure to do once `command_id` (the person's deprovision) has ended, with a
    /// history row saying so; a pending erasure of the same person is replaced.
    pub async fn plan_erasure(
        &self,
        subject: &SubjectKey,
        command_id: &CommandId,
        request: &ErasureRequest,
    ) -> Result<PendingErasure, StoreError> {
        let pending = PendingErasure {
            subject: subject.clone(),
            command_id: command_id.clone(),
            actor: request.actor.clone(),
            reason: request.reason.clone(),
            requested_at: crate::store::timestamp::to_millis(self.now()),
        };
        self.backend().plan_erasure(&pending).await?;
        Ok(pending)
    }

    /// The tombstone of this key, if it was ever erased.
    pub async fn tombstone(&self, subject: &SubjectKey) -> Result<Option<Tombstone>, StoreError> {
        self.backend().tombstone(&key_hash(subject)).await
    }

    /// Erasures waiting for their deprovision, oldest first.
    pub async fn pending_erasures(&self) -> Result<Vec<PendingErasure>, StoreError> {
        self.backend().pending_erasures().await
    }

    /// Does each pending erasure whose deprovision has ended: erased when the person no longer
    /// has access, abandoned when they still have; one transaction each. Erasures whose
    /// deprovision is still waiting or running stay as they are.
    pub async fn settle_erasures(&self) -> Result<Vec<Settled>, StoreError> {
        let mut settled = Vec::new();
        for pending in self.backend().pending_erasures().await? {
            if let Some(done) = self.backend().settle_erasure(&pending, self.now()).await? {
                if matches!(done, Settled::Erased(_)) {
                    self.announced();
                }
                settled.push(done);
            }
        }
        Ok(settled)
    }
}

#[cfg(test)]
mod tests;
