//! Rosters: a source's full list of its current people, the safety net for events a sender
//! never delivered.
//!
//! A roster is uploaded (`PUT /v1/sources/NAME/roster`, `gatehouse roster upload`) or read from
//! the configured file on a schedule (`schedule`, one replica at a time through the store's
//! turns). `parse` reads it (CSV or JSON), `plan` compares it with who has access from the
//! source (pure), `run` acts on the comparison and keeps its `report`, and `commands` makes the
//! provisions and deprovisions it enqueues.
//!
//! People with access from the source whom the roster does not list are deprovisioned once
//! they have been missing for the source's grace; a roster that lists them again first clears
//! them. Listed people without access are reported, or provisioned by the source's rules when
//! the roster carries their fields. A roster that would remove more than the source's
//! `max_removal_share` is refused whole and changes nothing.

mod commands;
mod parse;
mod plan;
mod report;
mod run;
mod schedule;

pub use commands::PERSON_TYPE;
pub use parse::{Roster, RosterFormat, RosterParseError, RosterPerson, parse};
pub use report::{Action, Leaving, RosterReport, Verdict, WithoutAccess};
pub use run::{ACTOR, Rosters, RunOrigin, RunRequest};
pub use schedule::{TURN, spawn};

use std::path::PathBuf;

/// Why a roster run could not be made.
#[derive(Debug, thiserror::Error)]
pub enum RosterError {
    /// The source has no `[sources.NAME.roster]`.
    #[error("source {name} takes no roster: add [sources.{name}.roster] to the config")]
    NoRoster { name: String },
    /// The store failed; nothing of the run's own writes was kept.
    #[error("the store failed during a roster run of {name}")]
    Store {
        name: String,
        #[source]
        source: crate::store::StoreError,
    },
    /// The report could not be written as JSON (a bug).
    #[error("the report of roster run {run_id} cannot be written as JSON")]
    Report {
        run_id: String,
        #[source]
        source: serde_json::Error,
    },
    /// The configured roster file cannot be read.
    #[error("cannot read the roster file {path} of {name}")]
    File {
        name: String,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The configured roster file is not a roster.
    #[error("the roster file {path} of {name} is not a roster")]
    Parse {
        name: String,
        path: PathBuf,
        #[source]
        source: RosterParseError,
    },
}
