//! The outbox: outcome events written in the same transaction as the outcome they announce,
//! waiting for the relay to publish them.
//!
//! Writing the event with the outcome means no outcome can exist unannounced, and no
//! announcement can exist for an outcome that was rolled back. The relay publishes at least once
//! and marks rows published; the stable [`OutboxId`] lets consumers drop repeats.

mod id;
mod reading;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{Value, json};

pub use id::{OutboxId, OutboxIdError};

use crate::domain::event_type::GUARD_TRIPPED;
use crate::domain::guard::{Scope, Trip};
use crate::domain::{Command, CommandId, Intent, Outcome, SubjectKey, outcome_event_type};

/// An event to announce, as the executor hands it to `finish`.
#[derive(Debug, Clone, PartialEq)]
pub struct OutboxEvent {
    /// The CloudEvents type, e.g. `dev.gatehouse.user.provisioned` (see
    /// [`outcome_event_type`]).
    pub event_type: String,
    /// The CloudEvents `data`, a JSON object.
    pub payload: Value,
    /// W3C trace context, so the outcome joins the trace of the event that caused it.
    pub traceparent: Option<String>,
}

impl OutboxEvent {
    /// The standard announcement of a command's outcome: its type from the intent and the
    /// outcome kind, and a payload naming the command, the subject, where the command came from
    /// and how it ended. The store announces superseded commands with it too, so every outcome
    /// event has one shape.
    pub fn announcing(command: &Command, outcome: &Outcome) -> OutboxEvent {
        let mut payload = json!({
            "command_id": command.id,
            "subject": command.subject,
            "intent": command.intent.kind(),
            "source": command.origin.source,
            "source_time": command.origin.source_time,
            "outcome": outcome,
        });
        if let (Intent::Deprovision(deprovision), Some(fields)) =
            (&command.intent, payload.as_object_mut())
        {
            fields.insert("mode".into(), Value::from(deprovision.mode.name()));
        }
        if let (Some(event_id), Some(fields)) = (&command.origin.event_id, payload.as_object_mut())
        {
            fields.insert("event_id".into(), Value::from(event_id.as_str()));
        }
        OutboxEvent {
            event_type: outcome_event_type(&command.intent, outcome.kind).to_owned(),
            payload,
            traceparent: command.origin.traceparent.clone(),
        }
    }
}

/// What the announcement of a guard's trip names besides the trip itself.
#[derive(Debug, Clone, Copy)]
pub struct Tripped<'a> {
    /// The guard's window.
    pub window: chrono::TimeDelta,
    /// Commands of the tripping call that are held.
    pub held: usize,
    /// The inbox event whose commands tripped it, if any.
    pub event_id: Option<&'a str>,
    /// The first held command: the row's command and subject.
    pub command_id: &'a CommandId,
    pub subject: &'a SubjectKey,
}

impl OutboxEvent {
    /// The announcement that the mass-deprovision guard tripped (`dev.gatehouse.guard.tripped`):
    /// which scope, how many deprovisions against what threshold, and what it held. It names
    /// no person beyond the first held command's subject key, which keys the record.
    pub fn guard_tripped(trip: &Trip, tripped: &Tripped<'_>, now: DateTime<Utc>) -> OutboxEvent {
        let mut payload = json!({
            "scope": match trip.scope { Scope::Overall => "overall", Scope::Source(_) => "source" },
            "deprovisions": trip.deprovisions,
            "allowed": trip.allowed,
            "threshold": { "count": trip.limit.count, "percent": trip.limit.percent },
            "managed": trip.managed,
            "window_seconds": tripped.window.num_seconds(),
            "held": tripped.held,
            "command_id": tripped.command_id,
            "subject": tripped.subject,
            "tripped_at": crate::store::timestamp::to_millis(now),
        });
        if let Some(fields) = payload.as_object_mut() {
            if let Scope::Source(source) = &trip.scope {
                fields.insert("source".into(), Value::from(source.as_str()));
            }
            if let Some(event_id) = tripped.event_id {
                fields.insert("event_id".into(), Value::from(event_id));
            }
        }
        OutboxEvent {
            event_type: GUARD_TRIPPED.to_owned(),
            payload,
            traceparent: None,
        }
    }
}

/// An outbox row, as the relay reads it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutboxRow {
    /// Becomes the CloudEvents `id`.
    pub outbox_id: OutboxId,
    /// Becomes the CloudEvents `subject`, and the Kafka key so a subject's events stay in order.
    pub subject_key: SubjectKey,
    pub command_id: CommandId,
    pub event_type: String,
    pub payload: Value,
    pub traceparent: Option<String>,
    pub created_at: DateTime<Utc>,
    pub published_at: Option<DateTime<Utc>>,
}
