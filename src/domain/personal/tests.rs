use serde_json::json;

use super::{SCRUBBED, scrub, scrub_text};
use crate::domain::{
    AccountRef, ContactFields, Deprovision, DeprovisionMode, Intent, Outcome, Provision,
    UserFields, WelcomeEmail,
};

fn provision() -> Intent {
    let mut extra = std::collections::BTreeMap::new();
    extra.insert("Phone".to_owned(), json!("+44 20 7946 0000"));
    Intent::Provision(Box::new(Provision {
        account: AccountRef::Key("P-100".into()),
        contact: ContactFields {
            first_name: Some("Ada".into()),
            last_name: "Lovelace".into(),
            email: "ada@partner.example".into(),
            extra,
        },
        user: UserFields {
            username: "ada@partner.example.portal".into(),
            alias: "alove".into(),
            nickname: "ada.lovelace".into(),
            locale: "en_GB".into(),
            time_zone: "Europe/London".into(),
            email_encoding: "UTF-8".into(),
            language: "en_US".into(),
            federation_id: Some("ada-sso".into()),
        },
        profile: "Partner Community User".into(),
        role: None,
        permission_sets: vec!["Deal_Registration".into()],
        welcome_email: WelcomeEmail::PasswordReset,
        purpose: Some("resells the product".into()),
        sponsor: Some("Grace Hopper".into()),
        end_at: None,
    }))
}

#[test]
fn a_provision_loses_every_personal_value_and_keeps_its_shape() {
    let mut value = serde_json::to_value(provision()).unwrap();
    assert!(scrub(&mut value));
    let text = value.to_string();
    for personal in [
        "Ada",
        "Lovelace",
        "ada@",
        "alove",
        "ada.lovelace",
        "ada-sso",
        "+44",
        "resells",
        "Grace",
    ] {
        assert!(!text.contains(personal), "{personal} left in {text}");
    }
    assert_eq!(value["contact"]["email"], SCRUBBED);
    assert_eq!(value["contact"]["extra"]["Phone"], SCRUBBED);
    assert_eq!(value["account"]["key"], "P-100");
    assert_eq!(value["profile"], "Partner Community User");
    assert_eq!(value["user"]["locale"], "en_GB");
    let Intent::Provision(read) = serde_json::from_value::<Intent>(value).unwrap() else {
        panic!("still a provision");
    };
    assert_eq!(read.permission_sets, ["Deal_Registration"]);
}

#[test]
fn a_deprovision_loses_its_trigger_and_keeps_its_mode() {
    let intent = Intent::Deprovision(Deprovision {
        mode: DeprovisionMode::Freeze,
        trigger: "Ada Lovelace left".into(),
    });
    let scrubbed = scrub_text(&serde_json::to_string(&intent).unwrap()).unwrap();
    let read: Intent = serde_json::from_str(&scrubbed).unwrap();
    let Intent::Deprovision(read) = read else {
        panic!("still a deprovision");
    };
    assert_eq!(read.mode, DeprovisionMode::Freeze);
    assert_eq!(read.trigger, SCRUBBED);
}

#[test]
fn an_outcome_keeps_ids_kind_licence_effect_and_calls_but_not_the_refusals_text() {
    let text = json!({
        "kind": "dead_lettered",
        "salesforce": {"contact_id": "003000000000001AAA"},
        "licence_effect": {"effect": "unchanged"},
        "steps": ["contact.created"],
        "api_calls": 3,
        "refusal": {"code": "DUPLICATE_USERNAME", "message": "ada@partner.example is taken", "fields": ["Username"]},
        "finished_at": "2026-03-02T09:00:00Z"
    })
    .to_string();
    let scrubbed = scrub_text(&text).unwrap();
    assert!(!scrubbed.contains("ada@"));
    let outcome: Outcome = serde_json::from_str(&scrubbed).unwrap();
    let refusal = outcome.refusal.unwrap();
    assert_eq!(
        (refusal.code.as_str(), refusal.fields),
        ("DUPLICATE_USERNAME", vec!["Username".to_owned()])
    );
    assert_eq!(outcome.api_calls, 3);
    assert_eq!(
        outcome.salesforce.contact_id.as_deref(),
        Some("003000000000001AAA")
    );
}

#[test]
fn scrubbing_again_or_scrubbing_nothing_personal_changes_nothing() {
    let mut value = serde_json::to_value(provision()).unwrap();
    assert!(scrub(&mut value));
    assert!(!scrub(&mut value));
    assert_eq!(
        scrub_text(r#"{"state":"parked","reason":"no licence"}"#),
        None
    );
    assert_eq!(scrub_text("not json"), None);
    let mut absent = json!({"first_name": null, "error": {"code": "X", "message": "Ada"}});
    assert!(scrub(&mut absent));
    assert_eq!(
        absent,
        json!({"first_name": null, "error": {"code": "X", "message": SCRUBBED}})
    );
}
