use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::json;

use super::*;

fn full_provision() -> serde_json::Value {
    json!({
        "account": {"key": "P-100"},
        "contact": {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@partner.example"},
        "user": {
            "username": "ada@partner.example.acme", "alias": "alove", "nickname": "ada.lovelace",
            "locale": "en_US", "time_zone": "GMT", "email_encoding": "UTF-8", "language": "en_US"
        },
        "profile": "Partner Community User",
        "role": "user",
        "welcome_email": "site_setting",
        "purpose": "partner portal user"
    })
}

/// A change to a good body that makes it wrong.
type Spoil = Box<dyn Fn(&mut serde_json::Value)>;

fn detail(result: Result<impl std::fmt::Debug, Problem>) -> String {
    let problem = result.expect_err("refused");
    assert_eq!(problem.status, 400);
    assert_eq!(problem.reason, "bad_body");
    problem.detail
}

#[test]
fn the_field_lists_cover_every_field_of_the_domain_provision() {
    let mut provision: Provision = serde_json::from_value(full_provision()).unwrap();
    provision.permission_sets = vec!["Gatehouse_Portal_Access".into()];
    provision.sponsor = Some("owner".into());
    provision.end_at = Some(chrono::Utc::now());
    provision.user.federation_id = Some("fed".into());
    provision.contact.extra = BTreeMap::from([("Title".to_owned(), json!("CTO"))]);
    let value = serde_json::to_value(&provision).unwrap();
    for (object, known) in [
        (&value, PROVISION_KEYS),
        (&value["contact"], CONTACT_KEYS),
        (&value["user"], USER_KEYS),
    ] {
        for key in object.as_object().unwrap().keys() {
            assert!(known.contains(&key.as_str()), "{key} is not listed");
        }
    }
}

#[test]
fn a_complete_provision_body_reads_as_the_domain_intent() {
    let body = serde_json::to_vec(&full_provision()).unwrap();
    let provision = provision(&body).unwrap();
    assert_eq!(provision.account, AccountRef::Key("P-100".into()));
    assert_eq!(provision.welcome_email, WelcomeEmail::SiteSetting);
    assert_eq!(provision.role, Some(PortalRoleLevel::User));
}

#[test]
fn provision_refusals_name_the_field_to_fix() {
    let cases: Vec<(Spoil, &str)> = vec![
        (
            Box::new(|v| v["permision_sets"] = json!([])),
            "permision_sets: unknown field",
        ),
        (
            Box::new(|v| v["user"]["nick"] = json!("x")),
            "user.nick: unknown field",
        ),
        (
            Box::new(|v| {
                v["user"].as_object_mut().unwrap().remove("alias");
            }),
            "user: missing field `alias`",
        ),
        (
            Box::new(|v| v["welcome_email"] = json!("site-setting")),
            "welcome_email:",
        ),
        (Box::new(|v| v["role"] = json!("boss")), "role:"),
        (Box::new(|v| v["account"] = json!("P-100")), "account:"),
        (Box::new(|v| v["end_at"] = json!("next week")), "end_at:"),
        (
            Box::new(|v| v["user"]["alias"] = json!("much-too-long")),
            "user.alias:",
        ),
        (
            Box::new(|v| v["contact"]["email"] = json!("not an address")),
            "contact.email:",
        ),
        (
            Box::new(|v| {
                v.as_object_mut().unwrap().remove("profile");
            }),
            "profile: required",
        ),
    ];
    for (change, expected) in cases {
        let mut value = full_provision();
        change(&mut value);
        let text = detail(provision(&serde_json::to_vec(&value).unwrap()));
        assert!(text.contains(expected), "{expected:?} not in {text:?}");
    }
    assert!(detail(provision(b"")).contains("empty"));
    assert!(detail(provision(b"[1]")).contains("JSON object"));
    assert!(detail(provision(b"{nope")).contains("not valid JSON"));
}

#[test]
fn deprovision_deactivates_unless_the_body_names_another_mode() {
    let d = deprovision(br#"{"trigger":"left"}"#).unwrap();
    assert_eq!(d.mode, DeprovisionMode::Deactivate);
    assert_eq!(d.trigger, "left");
    let d = deprovision(br#"{"mode":"disable","trigger":"fraud"}"#).unwrap();
    assert_eq!(d.mode, DeprovisionMode::Disable);
    let d = deprovision(br#"{"mode":"freeze","trigger":"incident"}"#).unwrap();
    assert_eq!(d.mode, DeprovisionMode::Freeze);
}

#[test]
fn a_grace_period_is_seconds_or_a_text_and_belongs_to_freeze_then_deactivate() {
    for (body, seconds) in [
        (
            r#"{"mode":"freeze-then-deactivate","trigger":"t","grace":86400}"#,
            86_400,
        ),
        (
            r#"{"mode":"freeze-then-deactivate","trigger":"t","grace":"7d"}"#,
            7 * 86_400,
        ),
    ] {
        let d = deprovision(body.as_bytes()).unwrap();
        assert_eq!(
            d.mode,
            DeprovisionMode::FreezeThenDeactivate {
                grace: Duration::from_secs(seconds)
            }
        );
    }
    for (body, expected) in [
        (
            r#"{"mode":"freeze-then-deactivate","trigger":"t"}"#,
            "grace:",
        ),
        (
            r#"{"mode":"freeze-then-deactivate","trigger":"t","grace":0}"#,
            "grace:",
        ),
        (
            r#"{"mode":"freeze-then-deactivate","trigger":"t","grace":"a week"}"#,
            "grace:",
        ),
        (
            r#"{"mode":"freeze","trigger":"t","grace":"7d"}"#,
            "only freeze-then-deactivate",
        ),
        (r#"{"mode":"delete","trigger":"t"}"#, "mode: 'delete'"),
        (r#"{"mode":"freeze"}"#, "trigger: required"),
        (r#"{"mode":"freeze","trigger":"  "}"#, "trigger: required"),
        (
            r#"{"mode":"freeze","trigger":"t","why":"x"}"#,
            "unknown field `why`",
        ),
    ] {
        let text = detail(deprovision(body.as_bytes()));
        assert!(text.contains(expected), "{expected:?} not in {text:?}");
    }
}
