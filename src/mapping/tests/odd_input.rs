//! No body, however odd, makes the mapping panic: it maps, ignores or says why not.

use serde_json::json;

use super::*;

const RULES: &str = r#"
[[sources.s.rules]]
name = "fan"
when = "type == 'batch'"
for_each = "data.events"
item_id = "{{ item.uuid }}"
subject = "okta:{{ item.target[0].id }}"
occurred_at = "{{ item.published }}"
deprovision = {}

[[sources.s.rules]]
name = "whole"
when = "type == 'one'"
subject = "x:{{ data.user.id }}"
occurred_at = "{{ data.at }}"
deprovision = { effective = "{{ data.until }}" }
"#;

#[test]
fn odd_json_never_panics() {
    let rules = rules(RULES);
    let mut deep = json!("bottom");
    for _ in 0..100 {
        deep = json!({ "data": deep });
    }
    let bodies = [
        json!(null),
        json!([]),
        json!([1, 2, 3]),
        json!(42),
        json!("type"),
        json!({}),
        json!({"type": null}),
        json!({"type": 5}),
        json!({"type": ["one"]}),
        json!({"type": "one", "data": null}),
        json!({"type": "one", "data": []}),
        json!({"type": "one", "data": {"user": {"id": 7}, "at": 1.5, "until": -3}}),
        json!({"type": "one", "data": {"user": {"id": [1]}, "at": {}, "until": null}}),
        json!({"type": "one", "data": {"user": {"id": "a"}, "at": "99999999999999999999", "until": "0000-00-00"}}),
        json!({"type": "batch", "data": {"events": null}}),
        json!({"type": "batch", "data": {"events": {"a": 1}}}),
        json!({"type": "batch", "data": {"events": [null, 1, "x", [], {"uuid": null}]}}),
        json!({"type": "batch", "data": {"events": [{"uuid": "e1", "target": [], "published": "x"}]}}),
        json!({"type": "batch", "data": deep.clone()}),
        deep,
    ];
    for body in bodies {
        let decision = rules.map(&input(body.clone()));
        assert!(
            matches!(
                decision,
                MappingDecision::Unmapped { .. } | MappingDecision::Commands(_)
            ),
            "{body}: {decision:?}"
        );
    }
}

#[test]
fn bodies_that_are_not_json_are_unmapped_with_the_reason() {
    let rules = rules(RULES);
    let mut xml = input(json!({}));
    xml.content_type = "text/xml; charset=utf-8".into();
    xml.body = b"<Envelope/>".to_vec();
    let reason = unmapped(rules.map(&xml));
    assert!(
        reason.contains("XML bodies cannot be mapped yet"),
        "{reason}"
    );

    let mut broken = input(json!({}));
    broken.body = b"{\"type\": ".to_vec();
    assert!(unmapped(rules.map(&broken)).starts_with("the body is not valid JSON"));

    let mut nested = input(json!({}));
    nested.body = "[".repeat(10_000).into_bytes();
    assert!(unmapped(rules.map(&nested)).starts_with("the body is not valid JSON"));
}

#[test]
fn a_numeric_where_text_is_expected_still_maps() {
    let body = json!({"type": "one", "data": {"user": {"id": 7}, "at": 1671058841, "until": "2026-12-31"}});
    let command = commands(rules(RULES).map(&input(body))).remove(0);
    assert_eq!(command.subject.as_str(), "x:7");
    assert_eq!(command.source_time, utc("2022-12-14T23:00:41Z"));
}

#[test]
fn an_okta_batch_fans_out_per_event_keyed_by_uuid() {
    let body = json!({"eventType": "com.okta.event_hook", "type": "batch", "data": {"events": [
        {"uuid": "f790", "published": "2026-01-31T18:42:00.000Z", "eventType": "user.lifecycle.deactivate",
         "target": [{"id": "00uf1", "type": "User", "alternateId": "jane@example.com"}]},
        {"uuid": "f791", "published": "2026-01-31T18:43:00.000Z", "eventType": "user.lifecycle.deactivate",
         "target": [{"id": "00uf2", "type": "User", "alternateId": "joe@example.com"}]}
    ]}});
    let commands = commands(rules(RULES).map(&input(body)));
    let got: Vec<_> = commands
        .iter()
        .map(|c| (c.subject.as_str(), c.item_key.as_deref()))
        .collect();
    assert_eq!(
        got,
        [("okta:00uf1", Some("f790")), ("okta:00uf2", Some("f791"))]
    );
}
