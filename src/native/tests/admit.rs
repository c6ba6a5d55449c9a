use std::time::Duration;

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::*;
use crate::domain::{
    AccountRef, DeprovisionMode, Intent, PortalRoleLevel, Provision, WelcomeEmail,
};
use crate::native::{NativeCommand, Refused, admit, read};

const JSON: Option<&str> = Some("application/json");

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text).unwrap().to_utc()
}

fn provision_of(command: &NativeCommand) -> &Provision {
    match &command.intent {
        Intent::Provision(p) => p,
        other => panic!("a provision: {other:?}"),
    }
}

/// The refusal of `body`, which must be about `field`.
fn refusal(body: &Value, field: &str) -> String {
    let refused = read(JSON, &bytes(body)).expect_err("refused");
    assert!(
        matches!(refused, Refused::Invalid(_)),
        "a guard rail, not a decoding error: {refused}"
    );
    assert_eq!(refused.field(), Some(field), "{refused}");
    refused.to_string()
}

#[test]
fn a_full_provision_becomes_the_domain_intent_field_for_field() {
    let command = admit(provision_proto()).unwrap();
    assert_eq!(command.command_id.as_deref(), Some("c-1"));
    assert_eq!(command.subject.as_str(), "hr:1001");
    assert_eq!(command.source_time, at("2026-03-01T09:30:00.25Z"));
    assert_eq!(command.effective_at, Some(at("2026-03-01T23:00:00Z")));
    let p = provision_of(&command);
    assert_eq!(p.account, AccountRef::Key("P-100".into()));
    assert_eq!(p.contact.first_name.as_deref(), Some("Ada"));
    assert_eq!(p.contact.last_name, "Lovelace");
    assert_eq!(p.contact.email, "ada@partner.example");
    assert_eq!(p.user.username, "ada@partner.example.acme");
    assert_eq!(p.user.alias, "alove");
    assert_eq!(p.user.nickname, "ada.lovelace");
    assert_eq!(p.user.locale, "en_US");
    assert_eq!(p.user.time_zone, "Europe/London");
    assert_eq!(p.user.email_encoding, "UTF-8");
    assert_eq!(p.user.language, "en_US");
    assert_eq!(p.user.federation_id.as_deref(), Some("fed-1001"));
    assert_eq!(p.profile, "Partner Community User");
    assert_eq!(p.role, Some(PortalRoleLevel::Manager));
    assert_eq!(p.permission_sets, ["Portal_Access", "Deal_Registration"]);
    assert_eq!(p.welcome_email, WelcomeEmail::PasswordReset);
    assert_eq!(p.purpose.as_deref(), Some("reseller portal"));
    assert_eq!(p.sponsor.as_deref(), Some("pat.owner"));
    assert_eq!(p.end_at, Some(at("2027-03-31T23:59:59Z")));
}

#[test]
fn unset_optional_fields_read_as_absent() {
    let mut body = provision_json();
    let p = &mut body["provision"];
    for field in ["role", "welcome_email", "purpose", "sponsor", "end_at"] {
        p.as_object_mut().unwrap().remove(field);
    }
    p["permission_sets"] = json!(["Portal_Access", "Portal_Access"]);
    p["user"]["federation_id"] = json!("");
    p["contact"]["first_name"] = json!("");
    body.as_object_mut().unwrap().remove("effective_at");
    body["command_id"] = json!("");
    let command = read(JSON, &bytes(&body)).unwrap();
    assert_eq!(command.command_id, None);
    assert_eq!(command.effective_at, None);
    let p = provision_of(&command);
    assert_eq!(p.role, None);
    assert_eq!(p.welcome_email, WelcomeEmail::None);
    assert_eq!(p.purpose, None);
    assert_eq!(p.sponsor, None);
    assert_eq!(p.end_at, None);
    assert_eq!(p.user.federation_id, None);
    assert_eq!(p.contact.first_name, None);
    assert_eq!(p.permission_sets, ["Portal_Access"], "listed once");
}

#[test]
fn each_deprovision_mode_is_the_one_named() {
    for (name, mode) in [
        ("DEPROVISION_MODE_DEACTIVATE", DeprovisionMode::Deactivate),
        ("DEPROVISION_MODE_FREEZE", DeprovisionMode::Freeze),
        ("DEPROVISION_MODE_DISABLE", DeprovisionMode::Disable),
    ] {
        let command = read(
            JSON,
            &bytes(&deprovision_json(json!(name), json!(null), " left ")),
        )
        .unwrap();
        let Intent::Deprovision(d) = command.intent else {
            panic!("a deprovision");
        };
        assert_eq!(d.mode, mode, "{name}");
        assert_eq!(d.trigger, "left");
    }
    let body = deprovision_json(
        json!("DEPROVISION_MODE_FREEZE_THEN_DEACTIVATE"),
        json!(604800),
        "notice period",
    );
    let Intent::Deprovision(d) = read(JSON, &bytes(&body)).unwrap().intent else {
        panic!("a deprovision");
    };
    assert_eq!(
        d.mode,
        DeprovisionMode::FreezeThenDeactivate {
            grace: Duration::from_secs(604_800)
        }
    );
}

#[test]
fn a_deprovision_without_a_mode_is_refused_and_never_defaults() {
    for mode in [json!(null), json!("DEPROVISION_MODE_UNSPECIFIED"), json!(0)] {
        let text = refusal(
            &deprovision_json(mode, json!(null), "left"),
            "deprovision.mode",
        );
        assert!(text.contains("required: there is no default"), "{text}");
        assert!(text.contains("DEPROVISION_MODE_DISABLE"), "{text}");
        assert!(!text.contains("DEPROVISION_MODE_UNSPECIFIED"), "{text}");
    }
    let text = refusal(
        &deprovision_json(json!(9), json!(null), "left"),
        "deprovision.mode",
    );
    assert!(text.contains("9 is not a DeprovisionMode value"), "{text}");
}

#[test]
fn deprovision_refusals_name_the_field_to_fix() {
    let ftd = json!("DEPROVISION_MODE_FREEZE_THEN_DEACTIVATE");
    let cases = [
        (
            deprovision_json(json!("DEPROVISION_MODE_FREEZE"), json!(null), "  "),
            "deprovision.trigger",
            "required; say what ends the access",
        ),
        (
            deprovision_json(
                json!("DEPROVISION_MODE_FREEZE"),
                json!(null),
                &"x".repeat(501),
            ),
            "deprovision.trigger",
            "at most 500 characters",
        ),
        (
            deprovision_json(json!("DEPROVISION_MODE_FREEZE"), json!(3600), "left"),
            "deprovision.grace_seconds",
            "only freeze-then-deactivate takes a grace period, not freeze",
        ),
        (
            deprovision_json(json!("DEPROVISION_MODE_DISABLE"), json!("60"), "left"),
            "deprovision.grace_seconds",
            "not disable",
        ),
        (
            deprovision_json(ftd.clone(), json!(null), "left"),
            "deprovision.grace_seconds",
            "needs a grace period longer than zero",
        ),
        (
            deprovision_json(ftd, json!(367 * 86_400), "left"),
            "deprovision.grace_seconds",
            "at most 366 days",
        ),
    ];
    for (body, field, message) in cases {
        let text = refusal(&body, field);
        assert!(text.contains(message), "{message:?} not in {text:?}");
    }
}

/// A change that spoils a valid provision.
type Spoil = Box<dyn Fn(&mut Value)>;

/// A spoiled provision, the field its refusal names and a part of the message.
type SpoiltProvision = (Spoil, &'static str, &'static str);

/// Removes the member at `path`.
fn remove(path: &'static [&'static str]) -> Spoil {
    Box::new(move |v: &mut Value| {
        let (last, parents) = path.split_last().unwrap();
        let mut at = v;
        for p in parents {
            at = &mut at[*p];
        }
        at.as_object_mut().unwrap().remove(*last);
    })
}

/// Sets the member at `path` to `value`.
fn set(path: &'static [&'static str], value: Value) -> Spoil {
    Box::new(move |v: &mut Value| {
        let mut at = v;
        for p in path {
            at = &mut at[*p];
        }
        *at = value.clone();
    })
}

/// The command's own fields: its subject, its time, its intent.
fn spoilt_command() -> Vec<SpoiltProvision> {
    vec![
        (
            remove(&["subject_key"]),
            "subject_key",
            "required; the producer's stable key",
        ),
        (
            set(&["subject_key"], json!("hr:ada@example.com")),
            "subject_key",
            "must not look like an email",
        ),
        (
            set(&["subject_key"], json!("hr/1")),
            "subject_key",
            "letters, digits",
        ),
        (
            remove(&["source_time"]),
            "source_time",
            "required; when the change happened",
        ),
        (
            remove(&["provision"]),
            "intent",
            "required: set provision or deprovision",
        ),
    ]
}

/// The provision's parts: the Account, the Contact, the user, the profile.
fn spoilt_provision() -> Vec<SpoiltProvision> {
    vec![
        (
            remove(&["provision", "account_key"]),
            "provision.account_key",
            "required",
        ),
        (
            set(&["provision", "account_key"], json!(" ")),
            "provision.account_key",
            "must not be empty",
        ),
        (
            Box::new(|v: &mut Value| {
                v["provision"]
                    .as_object_mut()
                    .unwrap()
                    .remove("account_key");
                v["provision"]["account_id"] = json!("003000000000001");
            }),
            "provision.account_id",
            "not an Account id",
        ),
        (
            remove(&["provision", "contact"]),
            "provision.contact",
            "required",
        ),
        (remove(&["provision", "user"]), "provision.user", "required"),
        (
            remove(&["provision", "profile"]),
            "provision.profile",
            "must not be empty",
        ),
        (
            remove(&["provision", "contact", "last_name"]),
            "provision.contact.last_name",
            "must not be empty",
        ),
        (
            set(&["provision", "contact", "email"], json!("ada")),
            "provision.contact.email",
            "must be an email address",
        ),
        (
            set(
                &["provision", "contact", "first_name"],
                json!("@{contact.id}"),
            ),
            "provision.contact.first_name",
            "must not contain '@{'",
        ),
        (
            set(&["provision", "account_key"], json!("P-@{x.Id}")),
            "provision.account_key",
            "must not contain '@{'",
        ),
    ]
}

/// The user's fields.
fn spoilt_user() -> Vec<SpoiltProvision> {
    vec![
        (
            remove(&["provision", "user", "username"]),
            "provision.user.username",
            "form of an email address",
        ),
        (
            set(&["provision", "user", "alias"], json!("lovelace9")),
            "provision.user.alias",
            "1 to 8 characters",
        ),
        (
            remove(&["provision", "user", "alias"]),
            "provision.user.alias",
            "1 to 8 characters",
        ),
        (
            set(&["provision", "user", "nickname"], json!("n".repeat(41))),
            "provision.user.nickname",
            "1 to 40 characters",
        ),
        (
            remove(&["provision", "user", "locale"]),
            "provision.user.locale",
            "must not be empty",
        ),
        (
            remove(&["provision", "user", "time_zone"]),
            "provision.user.time_zone",
            "must not be empty",
        ),
        (
            set(&["provision", "user", "time_zone"], json!("Mars/Olympus")),
            "provision.user.time_zone",
            "not a time zone name",
        ),
        (
            remove(&["provision", "user", "email_encoding"]),
            "provision.user.email_encoding",
            "must not be empty",
        ),
        (
            remove(&["provision", "user", "language"]),
            "provision.user.language",
            "must not be empty",
        ),
    ]
}

/// Permission sets, role and welcome email.
fn spoilt_extras() -> Vec<SpoiltProvision> {
    vec![
        (
            set(&["provision", "permission_sets"], json!(["A", ""])),
            "provision.permission_sets[1]",
            "must not be empty",
        ),
        (
            set(&["provision", "role"], json!(7)),
            "provision.role",
            "7 is not a PortalRoleLevel value",
        ),
        (
            set(&["provision", "welcome_email"], json!(5)),
            "provision.welcome_email",
            "5 is not a WelcomeEmail value",
        ),
    ]
}

#[test]
fn provision_refusals_name_the_field_to_fix() {
    let cases = [
        spoilt_command(),
        spoilt_provision(),
        spoilt_user(),
        spoilt_extras(),
    ]
    .into_iter()
    .flatten();
    for (spoil, field, message) in cases {
        let mut body = provision_json();
        spoil(&mut body);
        let text = refusal(&body, field);
        assert!(text.starts_with(&format!("{field}: ")), "{text}");
        assert!(text.contains(message), "{message:?} not in {text:?}");
    }
}

#[test]
fn times_outside_the_protobuf_range_are_refused() {
    let mut command = provision_proto();
    command.source_time = Some(Timestamp {
        seconds: 0,
        nanos: -1,
    });
    let refused = admit(command).unwrap_err();
    assert_eq!(refused.field, "source_time");
    let mut command = provision_proto();
    command.effective_at = Some(Timestamp {
        seconds: 253_402_300_800,
        nanos: 0,
    });
    assert_eq!(admit(command).unwrap_err().field, "effective_at");
    let mut command = provision_proto();
    if let Some(v1::command::Intent::Provision(p)) = &mut command.intent {
        p.end_at = Some(Timestamp {
            seconds: i64::MIN,
            nanos: 0,
        });
    }
    assert_eq!(admit(command).unwrap_err().field, "provision.end_at");
}
