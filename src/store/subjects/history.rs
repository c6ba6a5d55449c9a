//! A subject's history: one append-only row per thing that happened to them.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{CommandId, SubjectKey};
use crate::store::stored_name::stored_names;

/// What a history row records. Stored as its snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HistoryKind {
    /// A command was enqueued for the subject.
    Command,
    /// A command ended; the detail is its outcome.
    Outcome,
    /// A command moved between waiting states, or recorded a checkpoint.
    Progress,
    /// An operator acted (a replay).
    Operator,
}

stored_names!(HistoryKind, "history kind", {
    Command => "command",
    Outcome => "outcome",
    Progress => "progress",
    Operator => "operator",
});

/// One thing that happened to a subject.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HistoryEntry {
    /// Increases with every row written, so it orders the history.
    pub id: i64,
    pub subject_key: SubjectKey,
    pub at: DateTime<Utc>,
    pub kind: HistoryKind,
    pub command_id: Option<CommandId>,
    /// Who caused it: the source of an enqueued command, or the operator; `None` when Gatehouse
    /// itself did (outcomes, progress).
    pub actor: Option<String>,
    /// What happened, as a JSON object whose shape depends on the kind.
    pub detail: serde_json::Value,
}

#[cfg(test)]
mod tests;
