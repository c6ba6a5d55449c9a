//! Commands: an intent for one subject, with where it came from and when it takes effect.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::intent::Intent;
use super::subject::SubjectKey;

/// Gatehouse's id for a command: `cmd_` + a UUIDv7, so ids sort by creation time.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CommandId(String);

impl CommandId {
    /// A new id, later than every id made before it in this process.
    pub fn generate() -> CommandId {
        CommandId(format!("cmd_{}", uuid::Uuid::now_v7()))
    }

    /// Wraps a stored id; `None` unless it has the `cmd_` form.
    pub fn parse(text: &str) -> Option<CommandId> {
        let rest = text.strip_prefix("cmd_")?;
        uuid::Uuid::parse_str(rest).ok()?;
        Some(CommandId(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for CommandId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a command came from: an accepted event, or an operator.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Origin {
    /// The source name (`partner-portal`) or `operator` for manual commands.
    pub source: String,
    /// The inbox event it was mapped from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// When the source says the change happened; orders a subject's commands. Receipt time
    /// stands in where the source gives none.
    pub source_time: DateTime<Utc>,
    /// When Gatehouse received it.
    pub received_at: DateTime<Utc>,
    /// Who asked, for operator actions (`admin`, a named operator).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// W3C trace context carried from the sender to the outcome event.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub traceparent: Option<String>,
    /// The operator who started the run (a reconciliation, a roster upload, a licence
    /// reclaim) that enqueued it; they may not approve it should the guard hold it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_by: Option<String>,
}

/// An intent for one subject, ready for the queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Command {
    pub id: CommandId,
    pub subject: SubjectKey,
    pub intent: Intent,
    pub origin: Origin,
    /// Not before this time (an end date, a grace period); `None` means now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_at: Option<DateTime<Utc>>,
}
