//! Native commands: both encodings decode to the same command, and every guard rail refuses
//! with the field named.

mod admit;
mod decode;

use prost_types::Timestamp;
use serde_json::{Value, json};

use crate::proto::v1;

/// A provision with every field set, in the proto3 JSON mapping's snake_case spelling.
fn provision_json() -> Value {
    json!({
        "command_id": "c-1",
        "subject_key": "hr:1001",
        "source_time": "2026-03-01T09:30:00.250Z",
        "effective_at": "2026-03-02T00:00:00+01:00",
        "provision": {
            "account_key": "P-100",
            "contact": {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@partner.example"},
            "user": {
                "username": "ada@partner.example.acme", "alias": "alove", "nickname": "ada.lovelace",
                "locale": "en_US", "time_zone": "Europe/London", "email_encoding": "UTF-8",
                "language": "en_US", "federation_id": "fed-1001"
            },
            "profile": "Partner Community User",
            "role": "PORTAL_ROLE_LEVEL_MANAGER",
            "permission_sets": ["Portal_Access", "Deal_Registration"],
            "welcome_email": "WELCOME_EMAIL_PASSWORD_RESET",
            "purpose": "reseller portal",
            "sponsor": "pat.owner",
            "end_at": "2027-03-31T23:59:59Z"
        }
    })
}

/// The same provision as a message.
fn provision_proto() -> v1::Command {
    v1::Command {
        command_id: "c-1".into(),
        subject_key: "hr:1001".into(),
        source_time: Some(Timestamp {
            seconds: 1_772_357_400,
            nanos: 250_000_000,
        }),
        effective_at: Some(Timestamp {
            seconds: 1_772_406_000,
            nanos: 0,
        }),
        intent: Some(v1::command::Intent::Provision(v1::Provision {
            account: Some(v1::provision::Account::AccountKey("P-100".into())),
            contact: Some(v1::Contact {
                first_name: "Ada".into(),
                last_name: "Lovelace".into(),
                email: "ada@partner.example".into(),
            }),
            user: Some(v1::User {
                username: "ada@partner.example.acme".into(),
                alias: "alove".into(),
                nickname: "ada.lovelace".into(),
                locale: "en_US".into(),
                time_zone: "Europe/London".into(),
                email_encoding: "UTF-8".into(),
                language: "en_US".into(),
                federation_id: "fed-1001".into(),
            }),
            profile: "Partner Community User".into(),
            role: v1::PortalRoleLevel::Manager.into(),
            permission_sets: vec!["Portal_Access".into(), "Deal_Registration".into()],
            welcome_email: v1::WelcomeEmail::PasswordReset.into(),
            purpose: "reseller portal".into(),
            sponsor: "pat.owner".into(),
            end_at: Some(Timestamp {
                seconds: 1_806_537_599,
                nanos: 0,
            }),
        })),
    }
}

/// A deprovision in JSON with the given mode, grace and trigger.
fn deprovision_json(mode: Value, grace: Value, trigger: &str) -> Value {
    json!({
        "command_id": "c-2",
        "subject_key": "hr:1001",
        "source_time": "2026-03-01T09:30:00Z",
        "deprovision": {"mode": mode, "grace_seconds": grace, "trigger": trigger}
    })
}

/// The value with every member renamed to lowerCamelCase, at every depth.
fn camel_cased(value: &Value) -> Value {
    match value {
        Value::Object(members) => Value::Object(
            members
                .iter()
                .map(|(k, v)| (super::json::camel(k), camel_cased(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(camel_cased).collect()),
        other => other.clone(),
    }
}

fn bytes(value: &Value) -> Vec<u8> {
    serde_json::to_vec(value).unwrap()
}
