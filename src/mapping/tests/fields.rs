//! The template context and strict fields: a missing field is named, never rendered empty.

use serde_json::json;

use super::*;

#[test]
fn a_missing_field_is_named_with_the_rule_and_the_rule_field() {
    let mut body = signup();
    body["data"]["user"]
        .as_object_mut()
        .unwrap()
        .remove("email");
    let reason = unmapped(map(&signup_rule(""), body));
    assert_eq!(
        reason,
        "rule 'partner signup': field data.user.email is missing (needed by provision.contact.email)"
    );
}

#[test]
fn a_missing_parent_object_and_subscripted_keys_are_named_too() {
    let mut body = signup();
    body["data"].as_object_mut().unwrap().remove("user");
    let reason = unmapped(map(&signup_rule(""), body));
    assert!(
        reason.contains("field data.user.id is missing (needed by subject)"),
        "{reason}"
    );

    let extra = r#"
[[sources.s.rules]]
name = "legacy"
subject = "bamboohr:{{ event.employees[0].id }}"
deprovision = { trigger = "{{ event.employees[0].fields['Employment Status'] }}" }
"#;
    let reason = unmapped(map(
        extra,
        json!({"employees": [{"id": "1", "fields": {}}]}),
    ));
    assert!(
        reason.contains("field event.employees[0].fields['Employment Status'] is missing"),
        "{reason}"
    );
}

#[test]
fn null_renders_as_empty_and_an_empty_required_value_is_an_error() {
    let mut body = signup();
    body["data"]["user"]["last_name"] = json!(null);
    let reason = unmapped(map(&signup_rule(""), body));
    assert_eq!(
        reason,
        "rule 'partner signup': provision.contact.last_name is empty"
    );

    let mut body = signup();
    body["data"]["user"]["last_name"] = json!("   ");
    let reason = unmapped(map(&signup_rule(""), body));
    assert!(
        reason.contains("provision.contact.last_name is empty"),
        "{reason}"
    );
}

#[test]
fn rendered_values_are_trimmed() {
    let mut body = signup();
    body["data"]["user"]["last_name"] = json!("  Lovelace \n");
    body["data"]["partner_id"] = json!("\tP-100 ");
    let decision = map(&signup_rule(""), body);
    let command = commands(decision).remove(0);
    match command.intent {
        crate::domain::Intent::Provision(p) => {
            assert_eq!(p.contact.last_name, "Lovelace");
            assert_eq!(p.account, crate::domain::AccountRef::Key("P-100".into()));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_list_or_map_rendered_as_text_is_an_error_naming_the_expression() {
    let extra = signup_rule("").replace(
        "subject = \"partner-portal:{{ data.user.id }}\"",
        "subject = \"partner-portal:{{ data.user }}\"",
    );
    let reason = unmapped(map(&extra, signup()));
    assert!(
        reason.contains("subject") && reason.contains("`data.user` is a map, not a text value"),
        "{reason}"
    );
}

#[test]
fn numbers_render_as_text_where_ids_are_numeric() {
    // HiBob's companyId and numeric employee ids arrive as JSON numbers.
    let extra = r#"
[[sources.s.rules]]
name = "left"
subject = "hibob:{{ companyId }}-{{ data.employeeId }}"
deprovision = {}
"#;
    let body = json!({"companyId": 637323, "data": {"employeeId": 3332883894235038486u64}});
    let command = commands(map(extra, body)).remove(0);
    assert_eq!(command.subject.as_str(), "hibob:637323-3332883894235038486");
}

#[test]
fn a_subject_that_is_an_email_is_refused_without_echoing_it() {
    let extra = signup_rule("").replace(
        "subject = \"partner-portal:{{ data.user.id }}\"",
        "subject = \"partner-portal:{{ data.user.email }}\"",
    );
    let reason = unmapped(map(&extra, signup()));
    assert!(
        reason.contains("subject") && reason.contains("must not look like an email"),
        "{reason}"
    );
    assert!(!reason.contains("ada.lovelace@"), "{reason}");
}

#[test]
fn headers_source_and_the_whole_event_are_in_the_context() {
    let extra = r#"
[[sources.s.rules]]
name = "by header"
when = "headers['x-kind'] == 'leave' and source == 's'"
subject = "{{ source }}:{{ event.event }}"
deprovision = { trigger = "{{ headers['x-kind'] }} via {{ event.data.how }}" }
"#;
    // PartnerStack puts an `event` key in its bodies: `event` is the whole body, so the
    // body's own key is `event.event`.
    let mut input = input(json!({"event": "p-9", "data": {"how": "portal"}}));
    input
        .headers
        .insert("X-Kind".to_owned(), "leave".to_owned());
    let command = commands(rules(extra).map(&input)).remove(0);
    assert_eq!(command.subject.as_str(), "s:p-9");
    match command.intent {
        crate::domain::Intent::Deprovision(d) => assert_eq!(d.trigger, "leave via portal"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn source_timestamps_are_read_in_each_sender_format() {
    let extra = r#"
[mapping]
time_zone = "Europe/Berlin"

[[sources.s.rules]]
name = "any"
subject = "x:{{ id }}"
occurred_at = "{{ at }}"
deprovision = {}
"#;
    let cases = [
        // BambooHR: +0000 without a colon.
        (json!("2026-01-31T18:42:00+0000"), "2026-01-31T18:42:00Z"),
        // HiBob: no zone at all, read in the configured zone (Berlin, +01:00 in December).
        (
            json!("2024-12-26T11:29:14.399997"),
            "2024-12-26T10:29:14.399997Z",
        ),
        // Gusto: unix seconds, as a JSON number.
        (json!(1671058841), "2022-12-14T23:00:41Z"),
        // Deel and most others: RFC 3339 with Z.
        (
            json!("2025-06-30T08:32:52.119Z"),
            "2025-06-30T08:32:52.119Z",
        ),
        (json!("2025-03-31T00:00:00+02:00"), "2025-03-30T22:00:00Z"),
    ];
    for (at, expected) in cases {
        let command = commands(map(extra, json!({"id": "1", "at": at.clone()}))).remove(0);
        assert_eq!(command.source_time, utc(expected), "{at}");
    }
    let reason = unmapped(map(extra, json!({"id": "1", "at": "last Tuesday"})));
    assert!(
        reason.contains("occurred_at: 'last Tuesday' is not a timestamp"),
        "{reason}"
    );
}

#[test]
fn without_occurred_at_the_inbox_source_time_orders_the_command() {
    let extra = "[[sources.s.rules]]\nname = \"any\"\nsubject = \"x:{{ id }}\"\ndeprovision = {}\n";
    let mut input = input(json!({"id": "1"}));
    input.source_time = Some(utc("2026-01-01T00:00:00Z"));
    let command = commands(rules(extra).map(&input)).remove(0);
    assert_eq!(command.source_time, utc("2026-01-01T00:00:00Z"));
}

#[test]
fn a_composite_reference_in_an_event_value_keeps_the_event_unmapped_naming_the_field() {
    let mut body = signup();
    body["data"]["user"]["first_name"] = serde_json::json!("@{contact.id}");
    let reason = unmapped(map(&signup_rule(""), body));
    assert!(
        reason.starts_with(
            "rule 'partner signup': provision.contact.first_name: must not contain '@{'"
        ),
        "{reason}"
    );
}
