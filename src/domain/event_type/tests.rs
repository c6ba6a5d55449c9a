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

#[test]
fn a_rejection_has_a_type_of_its_own_whatever_the_intent() {
    assert_eq!(
        outcome_event_type(
            &deprovision(DeprovisionMode::Disable),
            OutcomeKind::Rejected
        ),
        "dev.gatehouse.command.rejected"
    );
    assert!(GUARD_TRIPPED.starts_with(EVENT_TYPE_PREFIX));
}
