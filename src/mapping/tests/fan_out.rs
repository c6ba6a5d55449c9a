//! One delivery, several commands: each item its own subject, rule and dedupe key.

use serde_json::json;

use super::*;

const CONTRACTS: &str = r#"
[[sources.s.rules]]
name = "contract ended"
when = "type == 'contract.ended'"
for_each = "people"
item_id = "{{ contract_id }}:{{ item }}"
subject = "partner-portal:{{ item }}"
deprovision = { trigger = "contract {{ contract_id }} ended", effective = "{{ ended_at }}" }
"#;

fn contract(people: serde_json::Value) -> serde_json::Value {
    json!({"type": "contract.ended", "contract_id": "C-42", "account_key": "P-100",
           "ended_at": "2026-12-31", "people": people})
}

#[test]
fn each_item_becomes_a_command_with_its_own_key() {
    let commands = commands(map(CONTRACTS, contract(json!(["u-1", "u-2"]))));
    let subjects: Vec<_> = commands.iter().map(|c| c.subject.as_str()).collect();
    assert_eq!(subjects, ["partner-portal:u-1", "partner-portal:u-2"]);
    let keys: Vec<_> = commands.iter().map(|c| c.item_key.as_deref()).collect();
    assert_eq!(keys, [Some("C-42:u-1"), Some("C-42:u-2")]);
    for c in &commands {
        assert_eq!(c.effective_at, Some(utc("2027-01-01T00:00:00Z")));
        assert_eq!(c.rule, "contract ended");
    }
}

#[test]
fn without_item_id_items_are_keyed_by_the_event_and_their_position() {
    let extra = CONTRACTS.replace("item_id = \"{{ contract_id }}:{{ item }}\"\n", "");
    let keys: Vec<_> = commands(map(&extra, contract(json!(["u-1", "u-2"]))))
        .into_iter()
        .map(|c| c.item_key)
        .collect();
    assert_eq!(keys, [Some("d-1#0".to_owned()), Some("d-1#1".to_owned())]);
}

#[test]
fn an_empty_list_maps_nothing_and_says_so() {
    let reason = unmapped(map(CONTRACTS, contract(json!([]))));
    assert_eq!(
        reason,
        "no rule matched: 'contract ended' (people has no items)"
    );
    let reason = unmapped(map(CONTRACTS, contract(json!("u-1"))));
    assert!(
        reason.contains("people is a string, not a list"),
        "{reason}"
    );
}

#[test]
fn one_bad_item_keeps_the_whole_delivery_unmapped_naming_the_item() {
    let reason = unmapped(map(CONTRACTS, contract(json!(["u-1", "bad key/2"]))));
    assert!(
        reason.starts_with("rule 'contract ended', item 1 of people: subject:"),
        "{reason}"
    );
}

/// BambooHR's legacy webhook: one delivery, several employees, each routed on its own.
const BAMBOO: &str = r#"
[[sources.s.rules]]
name = "terminated"
for_each = "employees"
when = "item.fields['Employment Status'] == 'Terminated'"
item_id = "{{ item.id }}@{{ item.timestamp }}"
subject = "bamboohr:{{ item.id }}"
occurred_at = "{{ item.timestamp }}"
deprovision = {}

[[sources.s.rules]]
name = "other changes"
for_each = "employees"
ignore = "only terminations are acted on"

[[sources.s.rules]]
name = "never reached"
deprovision = {}
subject = "bamboohr:x"
"#;

fn employee(id: &str, status: &str) -> serde_json::Value {
    json!({"action": "Updated", "changedFields": ["Employment Status"],
           "fields": {"Employment Status": status, "Work Email": "a@x.com"},
           "id": id, "timestamp": "2026-01-31T18:42:00+0000"})
}

#[test]
fn items_each_find_their_own_first_matching_rule() {
    let body = json!({"employees": [employee("1", "Active"), employee("2", "Terminated"), employee("3", "Terminated")]});
    let extra = BAMBOO.replace(
        "subject = \"bamboohr:x\"",
        "subject = \"bamboohr:{{ employees[0].id }}\"",
    );
    let commands = commands(map(&extra, body));
    let subjects: Vec<_> = commands.iter().map(|c| c.subject.as_str()).collect();
    assert_eq!(subjects, ["bamboohr:2", "bamboohr:3"]);
    assert_eq!(
        commands[0].item_key.as_deref(),
        Some("2@2026-01-31T18:42:00+0000")
    );
    assert_eq!(commands[0].source_time, utc("2026-01-31T18:42:00Z"));

    let body = json!({"employees": [employee("1", "Active")]});
    assert_eq!(
        map(&extra, body),
        MappingDecision::Ignored {
            rule: "other changes".into(),
            reason: "only terminations are acted on".into()
        }
    );
}

#[test]
fn a_fan_out_condition_about_the_event_is_asked_before_the_list_is_read() {
    // An event of another kind has no `people`: the reason is its condition, not the list.
    let reason = unmapped(map(CONTRACTS, json!({"type": "contract.renewed"})));
    assert_eq!(
        reason,
        "no rule matched: 'contract ended' (condition is false)"
    );
}

fn people(count: usize) -> serde_json::Value {
    json!((0..count).map(|i| format!("u-{i}")).collect::<Vec<_>>())
}

#[test]
fn a_list_longer_than_max_items_keeps_the_event_unmapped_with_the_reason() {
    let at_default = unmapped(map(CONTRACTS, contract(people(1_001))));
    assert_eq!(
        at_default,
        "rule 'contract ended': people has 1001 items, more than its max_items (1000); raise max_items on the rule if lists this long are expected"
    );
    assert_eq!(
        commands(map(CONTRACTS, contract(people(1_000)))).len(),
        1_000
    );
    let small = CONTRACTS.replace(
        "for_each = \"people\"",
        "for_each = \"people\"\nmax_items = 2",
    );
    assert!(unmapped(map(&small, contract(people(3)))).contains("more than its max_items (2)"));
}

#[test]
fn a_contract_end_of_ten_thousand_people_maps_once_max_items_is_raised() {
    let raised = CONTRACTS.replace(
        "for_each = \"people\"",
        "for_each = \"people\"\nmax_items = 10000",
    );
    assert_eq!(
        commands(map(&raised, contract(people(10_000)))).len(),
        10_000
    );
}

#[test]
fn the_event_cap_counts_every_list_of_the_event_together() {
    let two_lists = r#"
[mapping]
max_items_per_event = 3

[[sources.s.rules]]
name = "ended"
for_each = "people"
subject = "partner-portal:{{ item }}"
deprovision = {}

[[sources.s.rules]]
name = "guests ended"
for_each = "guests"
subject = "partner-portal:{{ item }}"
deprovision = {}
"#;
    let mut body = contract(people(2));
    body["guests"] = json!(["g-1", "g-2"]);
    let reason = unmapped(map(two_lists, body));
    assert_eq!(
        reason,
        "the event's lists hold 4 items together, more than [mapping] max_items_per_event (3)"
    );
}

#[test]
fn max_items_is_checked_when_the_config_loads() {
    let without_list = "[[sources.s.rules]]\nname = \"x\"\nmax_items = 5\nsubject = \"s:{{ id }}\"\ndeprovision = {}\n";
    let found = problems(without_list);
    assert!(
        found
            .iter()
            .any(|p| p.key == "sources.s.rules[0] ('x').max_items"
                && p.message.contains("only a rule with for_each")),
        "{found:#?}"
    );
    let above_cap = CONTRACTS.replace(
        "for_each = \"people\"",
        "for_each = \"people\"\nmax_items = 20000",
    );
    let found = problems(&above_cap);
    assert!(
        found
            .iter()
            .any(|p| p.message.contains("max_items_per_event (10000)")),
        "{found:#?}"
    );
}
