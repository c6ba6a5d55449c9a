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

fn provision(subject: &str, account: &str, role: &str, sets: &[&str]) -> Vec<u8> {
    json!({
        "commandId": "c-11", "subjectKey": subject, "sourceTime": "2026-02-01T08:00:00Z",
        "provision": {
            "accountKey": account,
            "contact": {"firstName": "Grace", "lastName": "Hopper", "email": "grace@northwind.example"},
            "user": {
                "username": "grace@northwind.example.acme", "alias": "ghopper",
                "nickname": "grace.hopper", "locale": "en_US", "timeZone": "Europe/London",
                "emailEncoding": "UTF-8", "language": "en_US"
            },
            "profile": "Partner Community User",
            "role": role,
            "permissionSets": sets,
        }
    })
    .to_string()
    .into_bytes()
}

const ALLOW: &str = r#"
[kafka.topics."hr.commands".allow]
subject_prefixes = ["hr:"]
accounts = ["P-100"]
profiles = ["Partner Community User"]
permission_sets = ["Portal_Access"]
highest_role = "manager"
"#;

#[test]
fn a_native_command_outside_its_topics_allow_list_stays_unmapped_naming_the_field() {
    let rules = rules(&format!("{KAFKA}{ALLOW}"));
    let map = |body| rules.map(&native_input("application/json", body));
    let allowed = map(provision(
        "hr:1",
        "P-100",
        "PORTAL_ROLE_LEVEL_MANAGER",
        &["Portal_Access"],
    ));
    assert!(
        matches!(allowed, MappingDecision::Commands(_)),
        "{allowed:?}"
    );
    let hint = "; add it there if this producer may ask for it";
    let cases = [
        (
            provision("sales:1", "P-100", "PORTAL_ROLE_LEVEL_USER", &[]),
            format!("subject: not among [kafka.topics.hr.commands.allow] subject_prefixes{hint}"),
        ),
        (
            provision("hr:1", "P-999", "PORTAL_ROLE_LEVEL_USER", &[]),
            format!("provision.account: not among [kafka.topics.hr.commands.allow] accounts{hint}"),
        ),
        (
            provision("hr:1", "P-100", "PORTAL_ROLE_LEVEL_USER", &["Modify_All_Data"]),
            format!("provision.permission_sets: not among [kafka.topics.hr.commands.allow] permission_sets ('Modify_All_Data'){hint}"),
        ),
        (
            provision("hr:1", "P-100", "PORTAL_ROLE_LEVEL_EXECUTIVE", &[]),
            "provision.role: executive is above [kafka.topics.hr.commands.allow] highest_role (manager)".to_owned(),
        ),
    ];
    for (body, expected) in cases {
        assert_eq!(
            unmapped(map(body)),
            format!("native command refused by its topic's allow-list: {expected}")
        );
    }
    // A deprovision names only its subject, which the prefixes allow.
    let leaver = map(deprovision("DEPROVISION_MODE_DEACTIVATE"));
    assert!(matches!(leaver, MappingDecision::Commands(_)), "{leaver:?}");
}

#[test]
fn a_refused_native_command_is_mapped_on_replay_once_the_list_is_widened() {
    let body = provision("hr:1", "P-200", "PORTAL_ROLE_LEVEL_USER", &[]);
    let narrow = rules(&format!("{KAFKA}{ALLOW}"));
    let input = native_input("application/json", body);
    assert!(matches!(
        narrow.map(&input),
        MappingDecision::Unmapped { .. }
    ));
    let widened = rules(&format!(
        "{KAFKA}{}",
        ALLOW.replace("[\"P-100\"]", "[\"P-100\", \"P-200\"]")
    ));
    assert!(matches!(widened.map(&input), MappingDecision::Commands(_)));
}

#[test]
fn an_allow_list_on_a_mapped_topic_or_a_shared_source_is_refused_at_load() {
    let mapped = format!(
        "{}\n[kafka.topics.\"s.events\"]\nsource = \"s\"\n[kafka.topics.\"s.events\".allow]\naccounts = [\"P-1\"]\n",
        KAFKA
    );
    let found = problems(&mapped);
    assert!(
        found
            .iter()
            .any(|p| p.key == "kafka.topics.s.events.allow"
                && p.message.contains("only a native topic")),
        "{found:#?}"
    );
    let shared = format!(
        "{KAFKA}{ALLOW}\n[kafka.topics.\"hr.more\"]\nsource = \"hr-direct\"\nformat = \"native\"\n"
    );
    let found = problems(&shared);
    assert!(
        found
            .iter()
            .any(|p| p.key == "kafka.topics.hr.commands.allow"
                && p.message
                    .contains("topic hr.more records under the same source 'hr-direct'")),
        "{found:#?}"
    );
}
