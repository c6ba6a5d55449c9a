use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use super::{Inputs, Plan};
use crate::domain::SubjectKey;
use crate::reconcile::roster::parse::{Roster, RosterPerson};
use crate::store::{Absence, WithAccess};

fn key(text: &str) -> SubjectKey {
    SubjectKey::parse(text).expect("key")
}

fn roster(keys: &[&str]) -> Roster {
    Roster {
        people: keys
            .iter()
            .map(|k| RosterPerson {
                subject: key(k),
                fields: None,
            })
            .collect(),
    }
}

fn access(pairs: &[(&str, &str)]) -> Vec<WithAccess> {
    pairs
        .iter()
        .map(|(k, s)| WithAccess {
            subject: key(k),
            access_source: (*s).to_owned(),
        })
        .collect()
}

fn at(hour: i64) -> DateTime<Utc> {
    DateTime::<Utc>::UNIX_EPOCH + TimeDelta::days(20_000) + TimeDelta::hours(hour)
}

fn inputs<'a>(
    roster: &'a Roster,
    with_access: &'a [WithAccess],
    absences: &'a [Absence],
) -> Inputs<'a> {
    Inputs {
        source: "hr",
        run_id: "ros_2",
        roster,
        with_access,
        absences,
        now: at(10),
        grace: Duration::from_secs(2 * 3_600),
    }
}

#[test]
fn people_of_the_source_the_roster_does_not_list_are_missing_for_a_grace() {
    let roster = roster(&["hr:1", "hr:2"]);
    let with_access = access(&[
        ("hr:1", "hr"),
        ("hr:2", "hr"),
        ("hr:3", "hr"),
        ("op:9", "operator"),
    ]);
    let plan = Plan::make(&inputs(&roster, &with_access, &[]));
    assert_eq!(plan.with_access, 3, "only the source's own people count");
    assert_eq!(plan.missing.len(), 1);
    let missing = &plan.missing[0];
    assert_eq!(missing.subject.as_str(), "hr:3");
    assert_eq!(missing.first_missing_at, at(10));
    assert_eq!(missing.due_at, at(12));
    assert_eq!(plan.new_missing("ros_2").len(), 1);
    assert!((plan.removal_share - 1.0 / 3.0).abs() < 1e-9);
    assert!(!plan.is_too_many(0.5));
    assert!(plan.is_too_many(0.3));
}

#[test]
fn a_person_missing_before_keeps_their_first_time() {
    let roster = roster(&["hr:1"]);
    let with_access = access(&[("hr:1", "hr"), ("hr:3", "hr")]);
    let earlier = Absence {
        subject: key("hr:3"),
        source: "hr".to_owned(),
        first_missing_at: at(1),
        due_at: at(3),
        run_id: "ros_1".to_owned(),
        command_id: None,
    };
    let plan = Plan::make(&inputs(
        &roster,
        &with_access,
        std::slice::from_ref(&earlier),
    ));
    assert_eq!(plan.missing, [earlier]);
    assert!(plan.new_missing("ros_2").is_empty());
    assert!(plan.cleared.is_empty());
}

#[test]
fn a_person_listed_again_or_without_access_is_cleared() {
    let roster = roster(&["hr:1", "hr:3"]);
    let with_access = access(&[("hr:1", "hr"), ("hr:3", "hr")]);
    let absence = |k: &str| Absence {
        subject: key(k),
        source: "hr".to_owned(),
        first_missing_at: at(1),
        due_at: at(3),
        run_id: "ros_1".to_owned(),
        command_id: None,
    };
    let absences = [absence("hr:3"), absence("hr:4")];
    let plan = Plan::make(&inputs(&roster, &with_access, &absences));
    assert!(plan.missing.is_empty());
    assert_eq!(plan.cleared, [key("hr:3"), key("hr:4")]);
    assert_eq!(
        plan.reappeared,
        [key("hr:3")],
        "hr:4 lost access some other way"
    );
}

#[test]
fn listed_people_without_any_access_are_found() {
    let roster = roster(&["hr:1", "hr:5", "op:9"]);
    let with_access = access(&[("hr:1", "hr"), ("op:9", "operator")]);
    let plan = Plan::make(&inputs(&roster, &with_access, &[]));
    assert_eq!(
        plan.without_access,
        [1],
        "op:9 has access, from an operator"
    );
}

#[test]
fn a_source_with_no_people_removes_no_share() {
    let roster = roster(&[]);
    let plan = Plan::make(&inputs(&roster, &[], &[]));
    assert_eq!(plan.removal_share, 0.0);
    assert!(!plan.is_too_many(0.1));
}
