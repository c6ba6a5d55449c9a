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
