//! Which rule decides: the first that matches, in the order written.

use serde_json::json;

use super::*;

const HIBOB: &str = r#"
[[sources.s.rules]]
name = "left"
when = "type == 'employee.left'"
subject = "hibob:{{ data.employeeId }}"
deprovision = { mode = "freeze" }

[[sources.s.rules]]
name = "any lifecycle"
when = "type is startingwith('employee.')"
subject = "hibob:{{ data.employeeId }}"
deprovision = { mode = "deactivate" }

[[sources.s.rules]]
name = "joined is thin"
when = "type == 'employee.joined'"
ignore = "thin event: the person's details must be fetched from HiBob"
"#;

fn hibob(kind: &str) -> serde_json::Value {
    json!({"companyId": 637323, "type": kind, "triggeredAt": "2024-12-26T11:29:14.399997",
           "version": "v2", "data": {"employeeId": "3332883894235038486"}})
}

#[test]
fn the_first_matching_rule_wins_even_when_later_ones_match_too() {
    let command = commands(map(HIBOB, hibob("employee.left"))).remove(0);
    assert_eq!(command.rule, "left");
    // `employee.joined` also matches "any lifecycle", which comes before the ignore rule.
    let command = commands(map(HIBOB, hibob("employee.joined"))).remove(0);
    assert_eq!(command.rule, "any lifecycle");
}

#[test]
fn an_ignore_rule_records_its_rule_and_reason() {
    let extra = HIBOB.replace(
        "when = \"type is startingwith('employee.')\"",
        "when = \"type == 'employee.inactivated'\"",
    );
    assert_eq!(
        map(&extra, hibob("employee.joined")),
        MappingDecision::Ignored {
            rule: "joined is thin".into(),
            reason: "thin event: the person's details must be fetched from HiBob".into()
        }
    );
}

#[test]
fn an_event_no_rule_matches_is_unmapped_with_every_rule_tried() {
    let reason = unmapped(map(HIBOB, hibob("payroll.closed")));
    assert_eq!(
        reason,
        "no rule matched: 'left' (condition is false); 'any lifecycle' (condition is false); 'joined is thin' (condition is false)"
    );
}

#[test]
fn a_condition_reading_a_missing_field_does_not_match_and_says_why() {
    let reason = unmapped(map(HIBOB, json!({"employees": []})));
    assert!(
        reason.starts_with("no rule matched: 'left' (field type is missing (needed by when))"),
        "{reason}"
    );
    // A later rule that guards with `is defined` still gets its turn.
    let extra = format!(
        "{HIBOB}\n[[sources.s.rules]]\nname = \"legacy\"\nwhen = \"employees is defined\"\nignore = \"legacy shape\"\n"
    );
    assert!(
        matches!(map(&extra, json!({"employees": []})), MappingDecision::Ignored { rule, .. } if rule == "legacy")
    );
}

#[test]
fn a_rule_without_a_condition_always_matches() {
    let extra = "[[sources.s.rules]]\nname = \"catch-all\"\nignore = \"not ours\"\n";
    assert!(
        matches!(map(extra, json!({"x": 1})), MappingDecision::Ignored { rule, .. } if rule == "catch-all")
    );
}

#[test]
fn a_source_without_rules_or_an_unknown_source_is_unmapped() {
    let reason = unmapped(map("", json!({})));
    assert_eq!(reason, "source s has no mapping rules");
    let mut other = input(json!({}));
    other.source = "elsewhere".into();
    assert_eq!(
        unmapped(rules("").map(&other)),
        "no source named elsewhere is configured"
    );
}
