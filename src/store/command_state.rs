//! Where a command stands between its creation and its one outcome.

use serde::{Deserialize, Serialize};

use crate::store::stored_name::stored_names;

/// A command's place in the queue. Stored as its snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CommandState {
    /// Due now, waiting for a worker.
    Queued,
    /// Waiting for its effective time (an end date, a grace period).
    Scheduled,
    /// Claimed by a worker, which is talking to Salesforce for it.
    Running,
    /// Failed for a reason Salesforce says is transient; runs again at its due time.
    Retrying,
    /// Waiting for a condition outside Gatehouse, e.g. a free licence; runs again when unparked.
    Parked,
    /// Held by the mass-deprovision guard until an operator approves (it is queued) or rejects
    /// it (it ends `rejected`); never claimed.
    Held,
    /// Ended with its outcome; nothing more happens to it.
    Done,
}

stored_names!(CommandState, "command state", {
    Queued => "queued",
    Scheduled => "scheduled",
    Running => "running",
    Retrying => "retrying",
    Parked => "parked",
    Held => "held",
    Done => "done",
});

impl CommandState {
    /// The states a newer event for the same subject may supersede: the command has not
    /// started, or stopped and waits to start again. A running command is never superseded, as
    /// Salesforce may already be half-way through it.
    pub const WAITING: [CommandState; 5] = [
        CommandState::Queued,
        CommandState::Scheduled,
        CommandState::Retrying,
        CommandState::Parked,
        CommandState::Held,
    ];

    /// The states a worker may claim once the command is due.
    pub const CLAIMABLE: [CommandState; 3] = [
        CommandState::Queued,
        CommandState::Scheduled,
        CommandState::Retrying,
    ];

    /// Whether a newer event for the subject would supersede a command in this state.
    pub fn is_waiting(self) -> bool {
        Self::WAITING.contains(&self)
    }
}

#[cfg(test)]
mod tests;
