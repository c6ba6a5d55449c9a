//! The CloudEvents `type` of each outcome Gatehouse announces.
//!
//! Consumers route on the type alone, so it says what became true of the person, not what
//! Gatehouse did. The types, all under the reverse-DNS prefix `dev.gatehouse.`:
//!
//! | intent | outcome | type |
//! |---|---|---|
//! | provision | succeeded | `dev.gatehouse.user.provisioned` (created, updated or reactivated: the outcome's steps say which) |
//! | deprovision `deactivate` | succeeded | `dev.gatehouse.user.deactivated` |
//! | deprovision `freeze` | succeeded | `dev.gatehouse.user.frozen` |
//! | deprovision `freeze-then-deactivate` | succeeded | `dev.gatehouse.user.frozen` (the deactivation after the grace period is a command of its own and announces `.deactivated`) |
//! | deprovision `disable` | succeeded | `dev.gatehouse.user.disabled` |
//! | any | no_change | `dev.gatehouse.user.unchanged` |
//! | any | skipped_stale | `dev.gatehouse.command.skipped_stale` |
//! | any | superseded | `dev.gatehouse.command.superseded` |
//! | any | dead_lettered | `dev.gatehouse.command.dead_lettered` |
//! | deprovision | rejected | `dev.gatehouse.command.rejected` (an operator rejected it while the mass-deprovision guard held it) |
//!
//! Beside the outcomes, the guard announces its own trip as [`GUARD_TRIPPED`], and an erasure
//! of a person on request announces itself as [`SUBJECT_ERASED`].
//!
//! There is no separate `updated` type: an update is a provision of a new desired state, and a
//! consumer that cares whether the user was new reads the steps (`user.created`).

use super::intent::{DeprovisionMode, Intent};
use super::outcome::OutcomeKind;

/// The prefix every type Gatehouse emits starts with.
pub const EVENT_TYPE_PREFIX: &str = "dev.gatehouse.";

/// The CloudEvents type announcing that the mass-deprovision guard tripped and began holding
/// deprovisions.
pub const GUARD_TRIPPED: &str = "dev.gatehouse.guard.tripped";

/// The CloudEvents type announcing that a person's data was erased on request. Its data names
/// them only by the keyed hash of their subject key.
pub const SUBJECT_ERASED: &str = "dev.gatehouse.subject.erased";

/// The CloudEvents type announcing that a command with this intent ended with this outcome.
pub fn outcome_event_type(intent: &Intent, outcome: OutcomeKind) -> &'static str {
    match (outcome, intent) {
        (OutcomeKind::Succeeded, Intent::Provision(_)) => "dev.gatehouse.user.provisioned",
        (OutcomeKind::Succeeded, Intent::Deprovision(deprovision)) => match deprovision.mode {
            DeprovisionMode::Deactivate => "dev.gatehouse.user.deactivated",
            DeprovisionMode::Freeze | DeprovisionMode::FreezeThenDeactivate { .. } => {
                "dev.gatehouse.user.frozen"
            }
            DeprovisionMode::Disable => "dev.gatehouse.user.disabled",
        },
        (OutcomeKind::NoChange, _) => "dev.gatehouse.user.unchanged",
        (OutcomeKind::SkippedStale, _) => "dev.gatehouse.command.skipped_stale",
        (OutcomeKind::Superseded, _) => "dev.gatehouse.command.superseded",
        (OutcomeKind::DeadLettered, _) => "dev.gatehouse.command.dead_lettered",
        (OutcomeKind::Rejected, _) => "dev.gatehouse.command.rejected",
    }
}

#[cfg(test)]
mod tests;
