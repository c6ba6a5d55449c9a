//! The command queue's vocabulary: what the mapping hands in, what a worker claims, and what
//! an operator sees.
//!
//! A command enters as a [`NewCommand`], is answered with an [`Enqueued`], waits in a
//! [`CommandState`], is handed to a worker in a [`Claim`] as a [`ClaimedCommand`], and ends with one
//! [`Outcome`]. Its whole life reads back as a [`CommandRecord`].

mod batch;
mod claim;
pub(crate) mod held;
mod queue;
mod reading;

use chrono::{DateTime, Utc};
use serde::Serialize;

pub use super::command_state::CommandState;
pub(crate) use batch::is_items_own;
pub use batch::{EndedMany, Ending, Finish, ProgressWrite, RenewedMany};
pub use claim::{Claim, ClaimedCommand, FencingToken};
pub use held::{GuardScope, HeldSelection, Release, Released};

use super::error::StoreError;
use super::timestamp;
use crate::domain::{
    Command, CommandId, Intent, Origin, Outcome, OutcomeKind, Refusal, SubjectKey,
};

/// Checkpoint facts a worker recorded for a command (`{"welcome_email": "intended"}`), so a
/// rerun after a crash knows what the first run already did or was about to do.
pub type Progress = serde_json::Map<String, serde_json::Value>;

/// A command as the mapping produces it, before the queue has seen it.
#[derive(Debug, Clone, PartialEq)]
pub struct NewCommand {
    pub id: CommandId,
    pub subject: SubjectKey,
    pub intent: Intent,
    /// Where it came from. When the command is enqueued for an inbox event, `event_id` is that
    /// event (filled in if missing). Times are kept to the millisecond.
    pub origin: Origin,
    /// Which of its event's commands this is, when one event fans out into several (one per
    /// person in a batch, or a provision plus its scheduled end). Together with the event it
    /// makes the command unique, so mapping an event again adds nothing. `None` is the event's
    /// only command; an empty key is refused.
    pub item_key: Option<String>,
    /// Not before this time (an end date, a grace period); `None` means now.
    pub due_at: Option<DateTime<Utc>>,
}

impl NewCommand {
    /// The domain's command with its effective time as the due time.
    pub fn from_command(command: Command, item_key: Option<String>) -> NewCommand {
        NewCommand {
            id: command.id,
            subject: command.subject,
            intent: command.intent,
            origin: command.origin,
            item_key,
            due_at: command.effective_at,
        }
    }

    /// Why the command cannot be stored faithfully, if it cannot; checked before any write.
    pub(crate) fn unstorable(&self) -> Option<&'static str> {
        let origin = &self.origin;
        if self.item_key.as_deref() == Some("") {
            Some("the item key is empty")
        } else if origin.source.is_empty() {
            Some("the origin names no source")
        } else if !timestamp::is_storable(origin.source_time) {
            Some("the source time is outside the years 0 to 9999")
        } else if !timestamp::is_storable(origin.received_at) {
            Some("the receive time is outside the years 0 to 9999")
        } else if self.due_at.is_some_and(|due| !timestamp::is_storable(due)) {
            Some("the due time is outside the years 0 to 9999")
        } else if let Intent::Provision(provision) = &self.intent
            && provision
                .end_at
                .is_some_and(|end| !timestamp::is_storable(end))
        {
            Some("the end of access is outside the years 0 to 9999")
        } else {
            None
        }
    }

    /// The same command with every time cut to what the store keeps, so what is read back
    /// (and compared: source order, staleness) equals what was stored.
    pub(crate) fn cut_to_millis(mut self) -> NewCommand {
        self.origin.source_time = timestamp::to_millis(self.origin.source_time);
        self.origin.received_at = timestamp::to_millis(self.origin.received_at);
        self.due_at = self.due_at.map(timestamp::to_millis);
        self
    }
}

/// The answer to `enqueue`, one per command handed in, in the same order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Enqueued {
    /// The new command's id, or for a duplicate the id of the command already stored.
    pub command_id: CommandId,
    pub item_key: Option<String>,
    /// True when the event's item was enqueued before and nothing new was written.
    pub duplicate: bool,
    /// The state right after enqueueing: `queued` or `scheduled`, `done` when a newer waiting
    /// command of the subject superseded it on arrival, or a duplicate's current state.
    pub state: CommandState,
    /// Older waiting commands of the subject that this one superseded.
    pub superseded: Vec<CommandId>,
}

/// A command's whole life, as the admin API shows it (`GET /v1/commands/{id}`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CommandRecord {
    #[serde(flatten)]
    pub command: Command,
    pub item_key: Option<String>,
    /// The dead-lettered command an operator replayed into this one.
    pub replay_of: Option<CommandId>,
    pub state: CommandState,
    /// The earliest time it may run (again).
    pub due_at: DateTime<Utc>,
    pub attempts: u32,
    /// Why the last attempt failed, when it is retrying.
    pub last_error: Option<Refusal>,
    pub parked_reason: Option<String>,
    /// The licence it waits for, when parked on `LICENSE_LIMIT_EXCEEDED`.
    pub parked_licence: Option<String>,
    /// Why the mass-deprovision guard holds it, while it is `held`.
    pub held_reason: Option<String>,
    pub progress: Progress,
    /// How it ended; present exactly when `state` is `done`.
    pub outcome: Option<Outcome>,
    pub claimed_by: Option<String>,
    pub claimed_until: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Which commands to list: one page in id (creation) order, after the last id of the previous
/// page. Dead letters are `outcome: Some(OutcomeKind::DeadLettered)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandFilter {
    pub state: Option<CommandState>,
    pub outcome: Option<OutcomeKind>,
    pub subject: Option<SubjectKey>,
    /// Only commands of subjects whose record names this Account (its key or its Salesforce
    /// id).
    pub account: Option<String>,
    /// Only commands mapped from this inbox event.
    pub event: Option<String>,
    /// Page size; at most [`CommandFilter::MAX_LIMIT`], larger values are capped.
    pub limit: u32,
    /// Keyset cursor: only commands with a larger id.
    pub after: Option<CommandId>,
}

impl CommandFilter {
    /// Intents and outcomes come along with every row; this keeps a page to a few megabytes.
    pub const MAX_LIMIT: u32 = 1000;

    /// The limit actually used.
    pub fn capped_limit(&self) -> u32 {
        self.limit.min(Self::MAX_LIMIT)
    }
}

impl Default for CommandFilter {
    fn default() -> Self {
        CommandFilter {
            state: None,
            outcome: None,
            subject: None,
            account: None,
            event: None,
            limit: 100,
            after: None,
        }
    }
}

/// Refuses commands that cannot be stored, before anything is written.
pub(crate) fn check_storable(commands: &[NewCommand]) -> Result<(), StoreError> {
    for command in commands {
        if let Some(problem) = command.unstorable() {
            return Err(StoreError::InvalidCommand {
                command_id: command.id.clone(),
                problem,
            });
        }
    }
    Ok(())
}
