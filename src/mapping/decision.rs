//! What the mapping decides for one event.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::input::MappingInput;
use crate::domain::{Command, CommandId, Intent, Origin, SubjectKey};

/// The fate of one event: commands, a deliberate ignore, or a reason it could not be mapped.
#[derive(Debug, Clone, PartialEq)]
pub enum MappingDecision {
    /// One command per subject the event is about (several for a fan-out).
    Commands(Vec<MappedCommand>),
    /// A rule matched and said to leave the event alone.
    Ignored { rule: String, reason: String },
    /// No rule matched (the reason lists what was tried), or the matching rule could not
    /// produce a valid command (the reason names the rule and the field). The inbox keeps the
    /// event with this reason for replay once the rules or the sender are fixed.
    Unmapped { reason: String },
}

impl MappingDecision {
    /// `mapped`, `ignored` or `unmapped`, as the inbox names the event's status.
    pub fn kind(&self) -> &'static str {
        match self {
            MappingDecision::Commands(_) => "mapped",
            MappingDecision::Ignored { .. } => "ignored",
            MappingDecision::Unmapped { .. } => "unmapped",
        }
    }
}

/// One intent for one subject, as a rule produced it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MappedCommand {
    /// The rule's name, for the lifecycle record and for debugging rules.
    pub rule: String,
    /// For fan-out items: the item's own dedupe id (its `item_id`, else the event's dedupe key
    /// and the item's index), so one item delivered twice makes one command.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub item_key: Option<String>,
    pub subject: SubjectKey,
    pub intent: Intent,
    /// When the source says the change happened; orders the subject's commands.
    pub source_time: DateTime<Utc>,
    /// Whether `source_time` came from the event (its `event_time` or the rule's
    /// `occurred_at`) rather than from when it was received: only such a time can show that a
    /// delivery is older than its source's replay window.
    #[serde(skip)]
    pub timed_by_source: bool,
    /// Not before this time (an end date); `None` means now.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub effective_at: Option<DateTime<Utc>>,
}

impl MappedCommand {
    /// The command for the queue, with a fresh id and the event's origin.
    pub fn into_command(self, input: &MappingInput) -> Command {
        Command {
            id: CommandId::generate(),
            subject: self.subject,
            intent: self.intent,
            origin: Origin {
                source: input.source.clone(),
                event_id: input.event_id.clone(),
                source_time: self.source_time,
                received_at: input.received_at,
                actor: None,
                traceparent: input.traceparent.clone(),
                started_by: None,
            },
            effective_at: self.effective_at,
        }
    }
}
