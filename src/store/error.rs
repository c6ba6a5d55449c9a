//! What can go wrong in the store, sorted by what the caller should do about it.
//!
//! The webhook route answers 503 when the store is merely unavailable (the sender keeps the event
//! and resends), and 500 when something is broken; [`StoreError::kind`] is that decision, made once
//! here instead of in every caller. Every variant keeps its cause as a `source`, so a log line can
//! print the whole chain.

use std::path::PathBuf;
use std::sync::Arc;

use super::command_state::CommandState;
use super::commands::FencingToken;
use super::inbox::{EventId, InboxStatus};
use crate::domain::{CommandId, SubjectKey};

/// A failure of the durable store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database is busy, locked, out of disk or cannot be reached: worth trying again later.
    #[error("the store is unavailable while {action}")]
    Unavailable {
        action: &'static str,
        #[source]
        source: sqlx::Error,
    },
    /// The database refused a statement it should have taken, or is corrupt: a bug to fix, not a
    /// condition to wait out.
    #[error("the store failed while {action}")]
    Failed {
        action: &'static str,
        #[source]
        source: sqlx::Error,
    },
    /// A stored row no longer reads back as the value that was written: the file was edited or
    /// damaged.
    #[error("{what} is stored in a form that cannot be read")]
    Unreadable {
        /// Which row, e.g. "inbox event evt_…".
        what: String,
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A value could not be put in the form the store keeps it in (JSON text): a bug, as every
    /// value the store takes has a JSON form.
    #[error("{what} cannot be written as JSON")]
    Unwritable {
        /// Which value, e.g. "the intent of command cmd_…".
        what: String,
        #[source]
        source: serde_json::Error,
    },
    /// The directory for the database file could not be created.
    #[error("cannot create the directory for the store at {path}")]
    CreateDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The database file could not be opened or created.
    #[error("cannot open the store at {path}")]
    Open {
        path: PathBuf,
        #[source]
        source: sqlx::Error,
    },
    /// The schema could not be brought up to date, e.g. the file was written by a newer Gatehouse.
    #[error("cannot bring the schema of the store at {path} up to date")]
    Migrate {
        path: PathBuf,
        #[source]
        source: sqlx::migrate::MigrateError,
    },
    /// The PostgreSQL database could not be reached when the store opened. The URL is not
    /// repeated: it may hold a password.
    #[error("cannot connect to the PostgreSQL store")]
    Connect {
        #[source]
        source: sqlx::Error,
    },
    /// The PostgreSQL database's schema could not be brought up to date, e.g. it was written
    /// by a newer Gatehouse.
    #[error("cannot bring the schema of the PostgreSQL store up to date")]
    MigrateDatabase {
        #[source]
        source: sqlx::migrate::MigrateError,
    },
    /// The event handed to `accept` cannot be stored faithfully; nothing was written.
    #[error("the event cannot be accepted: {0}")]
    InvalidEvent(&'static str),
    /// No inbox event has this id.
    #[error("inbox event {0} does not exist")]
    UnknownEvent(EventId),
    /// The requested status change is not one the inbox allows from the event's current status.
    #[error("inbox event {event_id} is {from}; it cannot become {to}")]
    Refused {
        event_id: EventId,
        from: InboxStatus,
        to: InboxStatus,
    },
    /// The event's body was dropped by retention (`[retention] inbox_bodies_days`): there is
    /// nothing left to map, so it cannot be replayed. The source must send it again.
    #[error(
        "inbox event {event_id} cannot be replayed: its body was dropped at {dropped_at} under [retention] inbox_bodies_days; ask the source to send the event again"
    )]
    BodyDropped {
        event_id: EventId,
        dropped_at: chrono::DateTime<chrono::Utc>,
    },
    /// A command handed to `enqueue` cannot be stored faithfully; nothing of the call was
    /// written.
    #[error("command {command_id} cannot be enqueued: {problem}")]
    InvalidCommand {
        command_id: CommandId,
        problem: &'static str,
    },
    /// A time handed to the store is outside what it can keep (the years 0 to 9999).
    #[error("{0} is outside the years 0 to 9999")]
    InvalidTime(&'static str),
    /// No command has this id.
    #[error("command {0} does not exist")]
    UnknownCommand(CommandId),
    /// The command is in a state that does not allow this step, e.g. finishing a command that
    /// no worker claimed, or replaying one that was not dead-lettered.
    #[error("command {command_id} is {state}; it cannot {action}")]
    CommandRefused {
        command_id: CommandId,
        state: CommandState,
        action: &'static str,
    },
    /// A write made under a claim the run no longer holds: the claim expired and was released,
    /// or another worker claimed the command since, under a larger token. Nothing was written;
    /// the run that made it must stop and write nothing more (docs/engine.md, "Leases").
    #[error("command {command_id} is no longer held under claim {}", .fence.value())]
    ClaimLost {
        command_id: CommandId,
        fence: FencingToken,
    },
    /// The dead-lettered command was replayed before; replaying twice would run it twice.
    #[error("command {command_id} was already replayed as {replay}")]
    AlreadyReplayed {
        command_id: CommandId,
        replay: CommandId,
    },
    /// An approval selected held commands from a run the approver started themselves (a
    /// reconciliation, a roster upload, a licence reclaim); nothing was approved.
    #[error(
        "{count} of the selected held commands come from a run {actor} started; another approver \
         must approve them (or reject them, which {actor} may)"
    )]
    OwnRun { actor: String, count: usize },
    /// An external user cannot be adopted under this key; nothing was written.
    #[error("'{subject}' cannot be adopted: {reason}")]
    AdoptionRefused { subject: SubjectKey, reason: String },
    /// The store was closed; nothing more is accepted.
    #[error("the store is closed")]
    Closed,
    /// The writer task stopped without answering; whether the event was written is unknown, so
    /// the sender must resend (the inbox deduplicates).
    #[error("the inbox writer stopped before answering")]
    WriterLost,
    /// The transaction that held this event, and the events of other callers, did not commit;
    /// none of them was acknowledged. The cause is shared by every caller of that batch.
    #[error("the batch holding this event was not committed")]
    BatchFailed(#[source] Arc<StoreError>),
}

/// What a caller should do about a [`StoreError`]; the HTTP layer maps each to one status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StoreErrorKind {
    /// Try again later (HTTP 503): nothing is wrong with the request or the data.
    Unavailable,
    /// The request itself cannot be stored (HTTP 400/422).
    Invalid,
    /// The named event or command does not exist (HTTP 404).
    NotFound,
    /// The event or command is in a status that does not allow the change (HTTP 409).
    Refused,
    /// A bug or a damaged database (HTTP 500); an operator has to look.
    Broken,
    /// The writer's claim on the command was taken over: not a fault of the store, and not
    /// worth trying again under the same claim. The run stops; the command's new holder
    /// carries on.
    ClaimLost,
}

impl StoreError {
    /// Sorts this error by what the caller should do about it.
    pub fn kind(&self) -> StoreErrorKind {
        match self {
            StoreError::Unavailable { .. } | StoreError::Closed => StoreErrorKind::Unavailable,
            StoreError::BatchFailed(cause) => cause.kind(),
            StoreError::InvalidEvent(_)
            | StoreError::InvalidCommand { .. }
            | StoreError::InvalidTime(_) => StoreErrorKind::Invalid,
            StoreError::UnknownEvent(_) | StoreError::UnknownCommand(_) => StoreErrorKind::NotFound,
            StoreError::Refused { .. }
            | StoreError::BodyDropped { .. }
            | StoreError::CommandRefused { .. }
            | StoreError::AlreadyReplayed { .. }
            | StoreError::AdoptionRefused { .. }
            | StoreError::OwnRun { .. } => StoreErrorKind::Refused,
            StoreError::Failed { .. }
            | StoreError::Unreadable { .. }
            | StoreError::Unwritable { .. }
            | StoreError::CreateDir { .. }
            | StoreError::Open { .. }
            | StoreError::Migrate { .. }
            | StoreError::Connect { .. }
            | StoreError::MigrateDatabase { .. }
            | StoreError::WriterLost => StoreErrorKind::Broken,
            StoreError::ClaimLost { .. } => StoreErrorKind::ClaimLost,
        }
    }

    /// True when the write was refused because its claim is no longer held.
    pub fn is_claim_lost(&self) -> bool {
        self.kind() == StoreErrorKind::ClaimLost
    }

    /// True when the right answer is "try again later" (HTTP 503).
    pub fn is_unavailable(&self) -> bool {
        self.kind() == StoreErrorKind::Unavailable
    }
}

#[cfg(test)]
mod tests;
