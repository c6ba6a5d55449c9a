use prost::Message as _;
use serde_json::json;

use super::*;
use crate::native::{DecodeError, decode};

const JSON: Option<&str> = Some("application/json");

#[test]
fn a_json_command_decodes_every_field() {
    let decoded = decode(JSON, &bytes(&provision_json())).unwrap();
    assert_eq!(decoded, provision_proto());
}

#[test]
fn json_field_names_may_be_snake_case_or_lower_camel_case() {
    let camel = camel_cased(&provision_json());
    assert!(camel["provision"]["user"].get("timeZone").is_some());
    assert!(camel.get("sourceTime").is_some());
    let decoded = decode(Some("application/json; charset=utf-8"), &bytes(&camel)).unwrap();
    assert_eq!(decoded, provision_proto());
}

#[test]
fn a_protobuf_command_decodes_to_the_same_message() {
    let body = provision_proto().encode_to_vec();
    for content_type in [
        Some("application/x-protobuf"),
        Some("application/protobuf"),
        None,
    ] {
        assert_eq!(decode(content_type, &body).unwrap(), provision_proto());
    }
}

#[test]
fn enums_read_by_name_or_number_and_uint64_as_number_or_string() {
    for (mode, grace) in [
        (
            json!("DEPROVISION_MODE_FREEZE_THEN_DEACTIVATE"),
            json!(86400),
        ),
        (json!(3), json!("86400")),
        (
            json!("DEPROVISION_MODE_FREEZE_THEN_DEACTIVATE"),
            json!(8.64e4),
        ),
    ] {
        let body = bytes(&deprovision_json(mode, grace, "left"));
        let command = decode(JSON, &body).unwrap();
        let Some(v1::command::Intent::Deprovision(d)) = command.intent else {
            panic!("a deprovision: {command:?}");
        };
        assert_eq!(d.mode(), v1::DeprovisionMode::FreezeThenDeactivate);
        assert_eq!(d.grace_seconds, 86_400);
        assert_eq!(d.trigger, "left");
    }
}

#[test]
fn null_and_absent_fields_read_as_unset() {
    let body = json!({
        "command_id": null, "subject_key": "hr:1", "source_time": "2026-03-01T09:30:00Z",
        "effective_at": null,
        "provision": {"account_id": "001000000000001AAA", "role": null, "permission_sets": null,
                      "contact": {"last_name": "L", "email": null}}
    });
    let command = decode(JSON, &bytes(&body)).unwrap();
    assert_eq!(command.command_id, "");
    assert_eq!(command.effective_at, None);
    let Some(v1::command::Intent::Provision(p)) = command.intent else {
        panic!("a provision");
    };
    assert_eq!(
        p.account,
        Some(v1::provision::Account::AccountId(
            "001000000000001AAA".into()
        ))
    );
    assert_eq!(p.role(), v1::PortalRoleLevel::Unspecified);
    assert!(p.permission_sets.is_empty());
    assert_eq!(p.contact.unwrap().email, "");
    assert_eq!(p.user, None);
}

/// A JSON body that is no command, the field it names and a part of the message.
type BadJson = (serde_json::Value, &'static str, &'static str);

/// Misspelt fields and members of the wrong JSON type.
fn bad_names_and_types() -> Vec<BadJson> {
    vec![
        (
            json!({"subject_key": "hr:1", "provision": {"permision_sets": []}}),
            "provision.permision_sets",
            "unknown field",
        ),
        (
            json!({"subject_key": 7}),
            "subject_key",
            "expected a string, found a number",
        ),
    ]
}

/// Times that are not RFC 3339 strings.
fn bad_times() -> Vec<BadJson> {
    vec![
        (
            json!({"source_time": "yesterday"}),
            "source_time",
            "'yesterday' is not an RFC 3339 time",
        ),
        (
            json!({"source_time": 1772357400}),
            "source_time",
            "expected an RFC 3339 time",
        ),
    ]
}

/// Enum values that name no value of their enum.
fn bad_enums() -> Vec<BadJson> {
    vec![
        (
            json!({"deprovision": {"mode": "FREEZE"}}),
            "deprovision.mode",
            "'FREEZE' is not a DeprovisionMode value; use one of DEPROVISION_MODE_UNSPECIFIED, DEPROVISION_MODE_DEACTIVATE",
        ),
        (
            json!({"deprovision": {"mode": true}}),
            "deprovision.mode",
            "expected a value name",
        ),
        (
            json!({"provision": {"role": "manager"}}),
            "provision.role",
            "not a PortalRoleLevel value",
        ),
        (
            json!({"provision": {"welcome_email": 1.5}}),
            "provision.welcome_email",
            "not a WelcomeEmail value",
        ),
    ]
}

/// Numbers that must be whole and are not.
fn bad_whole_numbers() -> Vec<BadJson> {
    vec![
        (
            json!({"deprovision": {"grace_seconds": -1}}),
            "deprovision.grace_seconds",
            "-1 is not a whole number",
        ),
        (
            json!({"deprovision": {"grace_seconds": "7d"}}),
            "deprovision.grace_seconds",
            "'7d' is not a whole number",
        ),
        (
            json!({"deprovision": {"grace_seconds": 0.5}}),
            "deprovision.grace_seconds",
            "is not a whole number",
        ),
    ]
}

/// Members given twice, or of the wrong shape.
fn bad_shapes() -> Vec<BadJson> {
    vec![
        (
            json!({"provision": {}, "deprovision": {}}),
            "intent",
            "this one has both",
        ),
        (
            json!({"provision": {"account_key": "P-1", "accountId": "001000000000001"}}),
            "provision.account",
            "not both",
        ),
        (
            json!({"source_time": "2026-03-01T09:30:00Z", "sourceTime": "2026-03-01T09:30:00Z"}),
            "source_time",
            "given twice",
        ),
        (
            json!({"provision": {"permission_sets": ["A", 2]}}),
            "provision.permission_sets[1]",
            "expected a string",
        ),
        (
            json!({"provision": {"permission_sets": "A"}}),
            "provision.permission_sets",
            "expected an array of strings",
        ),
        (
            json!({"provision": {"user": "ada"}}),
            "provision.user",
            "expected an object, found a string",
        ),
    ]
}

#[test]
fn bad_json_is_refused_naming_the_field() {
    let cases = [
        bad_names_and_types(),
        bad_times(),
        bad_enums(),
        bad_whole_numbers(),
        bad_shapes(),
    ]
    .concat();
    for (body, field, message) in cases {
        let error = decode(JSON, &bytes(&body)).expect_err(&body.to_string());
        assert_eq!(error.field(), Some(field), "{body}: {error}");
        let text = error.to_string();
        assert!(text.starts_with(&format!("{field}: ")), "{text}");
        assert!(text.contains(message), "{message:?} not in {text:?}");
    }
}

#[test]
fn bodies_that_are_no_command_are_refused() {
    let not_json = decode(JSON, b"{nope").unwrap_err();
    assert!(not_json.to_string().contains("not JSON"), "{not_json}");
    let array = decode(JSON, b"[1]").unwrap_err();
    assert_eq!(array.to_string(), "expected an object, found an array");
    assert!(matches!(
        decode(Some("text/csv"), b"a,b"),
        Err(DecodeError::ContentType(ct)) if ct == "text/csv"
    ));
    assert!(matches!(
        decode(None, &[0xff, 0xff, 0xff]),
        Err(DecodeError::Protobuf(_))
    ));
}
