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
//!
//! There is no separate `updated` type: an update is a provision of a new desired state, and a
//! consumer that cares whether the user was new reads the steps (`user.created`).

use super::intent::{DeprovisionMode, Intent};
use super::outcome::OutcomeKind;

/// The prefix every type Gatehouse emits starts with.
pub const EVENT_TYPE_PREFIX: &str = "dev.gatehouse.";

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
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::domain::intent::Deprovision;

    fn deprovision(mode: DeprovisionMode) -> Intent {
        Intent::Deprovision(Deprovision {
            mode,
            trigger: "contract ended".into(),
        })
    }

    #[test]
    fn a_succeeded_deprovision_is_named_after_its_mode() {
        let cases = [
            (
                DeprovisionMode::Deactivate,
                "dev.gatehouse.user.deactivated",
            ),
            (DeprovisionMode::Freeze, "dev.gatehouse.user.frozen"),
            (
                DeprovisionMode::FreezeThenDeactivate {
                    grace: Duration::from_secs(60),
                },
                "dev.gatehouse.user.frozen",
            ),
            (DeprovisionMode::Disable, "dev.gatehouse.user.disabled"),
        ];
        for (mode, expected) in cases {
            assert_eq!(
                outcome_event_type(&deprovision(mode), OutcomeKind::Succeeded),
                expected
            );
        }
    }

    #[test]
    fn outcomes_other_than_success_do_not_depend_on_the_intent() {
        let intent = deprovision(DeprovisionMode::Disable);
        assert_eq!(
            outcome_event_type(&intent, OutcomeKind::NoChange),
            "dev.gatehouse.user.unchanged"
        );
        for (kind, expected) in [
            (
                OutcomeKind::SkippedStale,
                "dev.gatehouse.command.skipped_stale",
            ),
            (OutcomeKind::Superseded, "dev.gatehouse.command.superseded"),
            (
                OutcomeKind::DeadLettered,
                "dev.gatehouse.command.dead_lettered",
            ),
        ] {
            assert_eq!(outcome_event_type(&intent, kind), expected);
            assert!(expected.starts_with(EVENT_TYPE_PREFIX));
        }
    }
}
