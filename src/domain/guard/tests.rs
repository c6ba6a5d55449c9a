use super::*;

fn policy() -> Policy {
    Policy {
        window: TimeDelta::minutes(10),
        share_floor: 10,
        overall: Limit {
            count: Some(50),
            percent: Some(5.0),
        },
        per_source: Limit::default(),
        sources: BTreeMap::new(),
    }
}

fn deprovisions(source: &str, n: usize) -> Vec<Candidate> {
    (0..n)
        .map(|_| Candidate {
            source: source.to_owned(),
            disable: false,
        })
        .collect()
}

fn census(recent: u64, managed: u64) -> Census {
    Census {
        overall: Tally {
            recent,
            managed,
            tripped: false,
        },
        sources: BTreeMap::new(),
    }
}

#[test]
fn deprovisions_within_the_thresholds_are_admitted() {
    let decision = decide(&policy(), &census(10, 10_000), &deprovisions("hr", 40), 40);
    assert!(decision.verdicts.iter().all(Option::is_none));
    assert!(decision.trips.is_empty());
}

#[test]
fn the_deprovision_that_passes_the_count_trips_and_is_held() {
    let admitted = decide(&policy(), &census(49, 10_000), &deprovisions("hr", 1), 1);
    assert_eq!(
        admitted.verdicts,
        [None],
        "the 50th is still within 'more than 50'"
    );
    let held = decide(&policy(), &census(50, 10_000), &deprovisions("hr", 1), 1);
    assert_eq!(held.trips.len(), 1);
    let trip = &held.trips[0];
    assert_eq!(trip.scope, Scope::Overall);
    assert_eq!((trip.deprovisions, trip.allowed), (51, 50));
    assert!(matches!(&held.verdicts[0], Some(Hold::Passed { trip: t }) if t == trip));
}

#[test]
fn a_fan_out_that_alone_passes_a_threshold_is_held_whole() {
    let decision = decide(&policy(), &census(0, 10_000), &deprovisions("hr", 200), 200);
    assert_eq!(decision.verdicts.len(), 200);
    assert!(
        decision
            .verdicts
            .iter()
            .all(|v| matches!(v, Some(Hold::Passed { .. })))
    );
    assert_eq!(decision.trips[0].deprovisions, 200);
}

#[test]
fn a_share_of_the_people_managed_trips_once_past_the_floor() {
    // 5 % of 200 people is 10: the 11th trips, but only past the floor of 10.
    let decision = decide(&policy(), &census(10, 200), &deprovisions("hr", 1), 1);
    let trip = &decision.trips[0];
    assert_eq!(
        (trip.deprovisions, trip.allowed, trip.managed),
        (11, 10, 200)
    );
    // 5 % of 20 people is 1, but two departures are below the floor: admitted.
    let small = decide(&policy(), &census(1, 20), &deprovisions("hr", 1), 1);
    assert_eq!(small.verdicts, [None]);
}

#[test]
fn a_source_with_a_threshold_of_its_own_trips_alone() {
    let mut policy = policy();
    policy.sources.insert(
        "contracts".into(),
        Limit {
            count: Some(5),
            percent: None,
        },
    );
    let decision = decide(
        &policy,
        &census(0, 10_000),
        &deprovisions("contracts", 6),
        6,
    );
    assert_eq!(decision.trips.len(), 1);
    assert_eq!(decision.trips[0].scope, Scope::Source("contracts".into()));
    let other = decide(&policy, &census(0, 10_000), &deprovisions("hr", 6), 6);
    assert!(
        other.trips.is_empty(),
        "the per-source default sets no limit"
    );
}

#[test]
fn a_tripped_scope_holds_further_deprovisions_without_tripping_again() {
    let mut tripped = census(0, 10_000);
    tripped.sources.insert(
        "hr".into(),
        Tally {
            recent: 0,
            managed: 100,
            tripped: true,
        },
    );
    let decision = decide(&policy(), &tripped, &deprovisions("hr", 1), 1);
    assert!(decision.trips.is_empty());
    assert_eq!(
        decision.verdicts,
        [Some(Hold::Tripped {
            scope: Scope::Source("hr".into())
        })]
    );
    let other = decide(&policy(), &tripped, &deprovisions("crm", 1), 1);
    assert_eq!(other.verdicts, [None], "another source still runs");
    let mut overall = census(0, 10_000);
    overall.overall.tripped = true;
    let all = decide(&policy(), &overall, &deprovisions("crm", 1), 1);
    assert_eq!(
        all.verdicts,
        [Some(Hold::Tripped {
            scope: Scope::Overall
        })]
    );
}

#[test]
fn a_disable_is_held_in_a_fan_out_of_more_than_one_person_only() {
    let disable = vec![Candidate {
        source: "hr".into(),
        disable: true,
    }];
    assert_eq!(
        decide(&policy(), &census(0, 100), &disable, 1).verdicts,
        [None]
    );
    let two = vec![disable[0].clone(), disable[0].clone()];
    let decision = decide(&policy(), &census(0, 100), &two, 2);
    assert!(
        decision
            .verdicts
            .iter()
            .all(|v| *v == Some(Hold::DisableInFanOut { people: 2 }))
    );
    assert!(decision.trips.is_empty(), "a held disable is no trip");
}

#[test]
fn reasons_say_what_passed_and_what_to_do() {
    let decision = decide(&policy(), &census(50, 10_000), &deprovisions("hr", 1), 1);
    let reason = decision.verdicts[0]
        .as_ref()
        .unwrap()
        .reason(TimeDelta::minutes(10));
    assert_eq!(
        reason,
        "every source together passed the mass-deprovision threshold: 51 deprovisions within \
         10 min (at most 50 allowed, 5 % of 10000 people managed)"
    );
    let tripped = Hold::Tripped {
        scope: Scope::Source("hr".into()),
    };
    assert!(
        tripped
            .reason(TimeDelta::minutes(10))
            .contains("until an operator approves")
    );
    assert_eq!(Scope::from_key(Scope::Overall.key()), Scope::Overall);
    assert_eq!(Scope::from_key("hr"), Scope::Source("hr".into()));
}
