use serde_json::json;

use super::scrub_report;

fn needles(values: &[&str]) -> Vec<String> {
    values.iter().map(|value| (*value).to_owned()).collect()
}

#[test]
fn entries_naming_the_person_go_and_the_others_stay() {
    let mut report = json!({
        "source": "hr",
        "listed": 2,
        "leaving": [
            {"subject": "hr:E-1", "due": true},
            {"subject": "hr:E-2", "due": false}
        ],
        "reappeared": ["hr:E-1", "hr:E-3"],
        "findings": [{"evidence": {"username": "ada@example.com.acme"}}]
    });
    let changed = scrub_report(&mut report, &needles(&["hr:E-1", "ada@example.com"]));
    assert!(changed);
    assert_eq!(
        report,
        json!({
            "source": "hr",
            "listed": 2,
            "leaving": [{"subject": "hr:E-2", "due": false}],
            "reappeared": ["hr:E-3"],
            "findings": []
        })
    );
}

#[test]
fn a_lone_text_naming_the_person_is_replaced() {
    let mut report = json!({"reason": "hr:E-1 was missing", "run_id": "run_1"});
    assert!(scrub_report(&mut report, &needles(&["hr:E-1"])));
    assert_eq!(report, json!({"reason": "[erased]", "run_id": "run_1"}));
}

#[test]
fn a_report_without_the_person_is_left_alone() {
    let original = json!({"leaving": [{"subject": "hr:E-2"}], "note": "x"});
    let mut report = original.clone();
    assert!(!scrub_report(&mut report, &needles(&["hr:E-1", "", "ab"])));
    assert_eq!(report, original);
}

#[test]
fn needles_too_short_to_tell_anyone_apart_are_not_looked_for() {
    let original = json!({"reappeared": ["hr:E-2"]});
    let mut report = original.clone();
    assert!(!scrub_report(&mut report, &needles(&["E", "hr"])));
    assert_eq!(report, original);
}
