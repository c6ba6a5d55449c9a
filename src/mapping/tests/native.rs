//! Native sources: their events are commands already, decoded and checked instead of mapped.

use prost::Message as _;
use serde_json::json;

use super::*;
use crate::domain::{DeprovisionMode, Intent};
use crate::proto::v1;

const KAFKA: &str = r#"
[kafka]
brokers = "127.0.0.1:9"
dead_letter_topic = "gatehouse.dead"
[kafka.topics."hr.commands"]
source = "hr-direct"
format = "native"
"#;

fn native_input(content_type: &str, body: Vec<u8>) -> MappingInput {
    MappingInput {
        source: "hr-direct".to_owned(),
        content_type: content_type.to_owned(),
        body,
        ..input(json!({}))
    }
}

fn deprovision(mode: &str) -> Vec<u8> {
    json!({
        "command_id": "c-9", "subject_key": "hr:9", "source_time": "2026-02-01T08:00:00Z",
        "effective_at": "2026-02-03T00:00:00Z",
        "deprovision": {"mode": mode, "trigger": "contract ended"}
    })
    .to_string()
    .into_bytes()
}

#[test]
fn a_native_topic_makes_its_source_native_and_leaves_the_others_to_their_rules() {
    let rules = rules(KAFKA);
    assert!(rules.is_native("hr-direct"));
    assert!(!rules.is_native("s"));
    assert!(!super::rules("").is_native("hr-direct"));
}

#[test]
fn a_valid_native_command_becomes_its_command_without_rules() {
    let rules = rules(KAFKA);
    let decision = rules.map(&native_input(
        "application/json",
        deprovision("DEPROVISION_MODE_DISABLE"),
    ));
    let MappingDecision::Commands(commands) = decision else {
        panic!("commands: {decision:?}");
    };
    assert_eq!(commands.len(), 1);
    let c = &commands[0];
    assert_eq!(c.subject.as_str(), "hr:9");
    assert_eq!(
        c.source_time,
        "2026-02-01T08:00:00Z".parse::<DateTime<Utc>>().unwrap()
    );
    assert_eq!(
        c.effective_at,
        Some("2026-02-03T00:00:00Z".parse::<DateTime<Utc>>().unwrap())
    );
    let Intent::Deprovision(d) = &c.intent else {
        panic!("a deprovision");
    };
    assert_eq!(d.mode, DeprovisionMode::Disable);
    assert_eq!(d.trigger, "contract ended");
}

#[test]
fn a_protobuf_event_with_no_content_type_is_read_as_protobuf() {
    let rules = rules(KAFKA);
    let command = v1::Command {
        subject_key: "hr:10".into(),
        source_time: Some(prost_types::Timestamp {
            seconds: 1_769_932_800,
            nanos: 0,
        }),
        intent: Some(v1::command::Intent::Deprovision(v1::Deprovision {
            mode: v1::DeprovisionMode::Freeze.into(),
            grace_seconds: 0,
            trigger: "leave".into(),
        })),
        ..Default::default()
    };
    let decision = rules.map(&native_input("", command.encode_to_vec()));
    assert_eq!(decision.kind(), "mapped", "{decision:?}");
}

#[test]
fn an_invalid_native_command_stays_unmapped_with_the_field_and_the_fix() {
    let rules = rules(KAFKA);
    let decision = rules.map(&native_input(
        "application/json",
        deprovision("DEPROVISION_MODE_UNSPECIFIED"),
    ));
    let MappingDecision::Unmapped { reason } = decision else {
        panic!("unmapped: {decision:?}");
    };
    assert!(
        reason.starts_with("native command refused: deprovision.mode: required"),
        "{reason}"
    );
    assert!(reason.contains("new command_id"), "{reason}");
}
