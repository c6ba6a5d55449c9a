use std::time::Duration;

use super::*;
use crate::domain::{ContactFields, UserFields, WelcomeEmail};

fn provision() -> Provision {
    Provision {
        account: AccountRef::Key("P-100".into()),
        contact: ContactFields {
            first_name: Some("Ada".into()),
            last_name: "Lovelace".into(),
            email: "ada@partner.example".into(),
            extra: Default::default(),
        },
        user: UserFields {
            username: "ada@partner.example.acme".into(),
            alias: "alove".into(),
            nickname: "ada.lovelace".into(),
            locale: "en_US".into(),
            time_zone: "GMT".into(),
            email_encoding: "UTF-8".into(),
            language: "en_US".into(),
            federation_id: None,
        },
        profile: "Partner Community User".into(),
        role: None,
        permission_sets: vec!["Portal_Access".into()],
        welcome_email: WelcomeEmail::None,
        purpose: None,
        sponsor: None,
        end_at: None,
    }
}

#[test]
fn a_complete_provision_passes() {
    assert_eq!(check_provision(&provision()), Ok(()));
    let mut by_id = provision();
    by_id.account = AccountRef::Id("001000000000001AAA".into());
    assert_eq!(check_provision(&by_id), Ok(()));
}

#[test]
fn each_provision_refusal_names_its_field() {
    type Spoil = fn(&mut Provision);
    let cases: [(Spoil, &str, &str); 16] = [
        (|p| p.profile = " ".into(), "profile", "must not be empty"),
        (
            |p| p.contact.last_name.clear(),
            "contact.last_name",
            "Salesforce requires it",
        ),
        (
            |p| p.contact.email = "ada at example".into(),
            "contact.email",
            "email address",
        ),
        (
            |p| p.user.username = "ada".into(),
            "user.username",
            "form of an email address",
        ),
        (
            |p| p.user.username = format!("{}@example.com", "a".repeat(69)),
            "user.username",
            "at most 80 characters",
        ),
        (
            |p| p.user.alias = "ninechars".into(),
            "user.alias",
            "1 to 8 characters",
        ),
        (|p| p.user.alias.clear(), "user.alias", "1 to 8 characters"),
        (
            |p| p.user.nickname = "n".repeat(41),
            "user.nickname",
            "1 to 40 characters",
        ),
        (|p| p.user.locale.clear(), "user.locale", "en_US"),
        (
            |p| p.user.time_zone.clear(),
            "user.time_zone",
            "must not be empty",
        ),
        (
            |p| p.user.time_zone = "Nowhere/Else".into(),
            "user.time_zone",
            "'Nowhere/Else' is not a time zone",
        ),
        (
            |p| p.user.email_encoding.clear(),
            "user.email_encoding",
            "UTF-8",
        ),
        (
            |p| p.user.language.clear(),
            "user.language",
            "must not be empty",
        ),
        (
            |p| p.account = AccountRef::Key("".into()),
            "account",
            "must not be empty",
        ),
        (
            |p| p.account = AccountRef::Id("0010000000001".into()),
            "account",
            "not an Account id",
        ),
        (
            |p| p.permission_sets.push(" ".into()),
            "permission_sets[1]",
            "must not be empty",
        ),
    ];
    for (spoil, field, message) in cases {
        let mut p = provision();
        spoil(&mut p);
        let v = check_provision(&p).expect_err(field);
        assert_eq!(v.field, field, "{v}");
        assert!(v.message.contains(message), "{message:?} not in {v}");
        assert_eq!(v.to_string(), format!("{field}: {}", v.message));
    }
}

#[test]
fn a_trigger_is_required_trimmed_and_bounded() {
    assert_eq!(
        trigger("  left the company "),
        Ok("left the company".into())
    );
    assert!(trigger(" ").unwrap_err().message.starts_with("required"));
    assert_eq!(
        trigger(&"x".repeat(TRIGGER_MAX)).map(|t| t.len()),
        Ok(TRIGGER_MAX)
    );
    assert_eq!(
        trigger(&"x".repeat(TRIGGER_MAX + 1)).unwrap_err().message,
        "at most 500 characters"
    );
}

#[test]
fn a_grace_period_belongs_to_freeze_then_deactivate_and_is_bounded() {
    assert_eq!(grace_belongs("freeze-then-deactivate"), Ok(()));
    assert_eq!(
        grace_belongs("disable").unwrap_err().to_string(),
        "grace: only freeze-then-deactivate takes a grace period, not disable"
    );
    assert_eq!(grace(Duration::from_secs(60)), Ok(Duration::from_secs(60)));
    assert_eq!(grace(GRACE_MAX), Ok(GRACE_MAX));
    assert!(grace(Duration::ZERO).is_err());
    assert!(grace(GRACE_MAX + Duration::from_secs(1)).is_err());
}

#[test]
fn violations_move_under_their_caller_s_names() {
    let v = Violation::new("user.alias", "1 to 8 characters");
    assert_eq!(
        v.clone().under("provision").to_string(),
        "provision.user.alias: 1 to 8 characters"
    );
    assert_eq!(v.named("alias").field, "alias");
}

#[test]
fn a_composite_reference_in_any_value_bound_for_salesforce_is_refused_by_name() {
    type Spoil = fn(&mut Provision);
    let cases: [(Spoil, &str); 6] = [
        (
            |p| p.contact.first_name = Some("@{contact.id}".into()),
            "contact.first_name",
        ),
        (
            |p| p.account = AccountRef::Key("P-@{users.records[0].Id}".into()),
            "account",
        ),
        (|p| p.user.nickname = "ada@{x.y}".into(), "user.nickname"),
        (
            |p| p.permission_sets.push("@{contact.id}".into()),
            "permission_sets[1]",
        ),
        (
            |p| {
                p.contact
                    .extra
                    .insert("Title".into(), serde_json::json!("@{contact.id}"));
            },
            "contact.extra.Title",
        ),
        (
            |p| {
                p.contact.extra.insert(
                    "Notes__c".into(),
                    serde_json::json!({ "lines": ["fine", "@{user.id}"] }),
                );
            },
            "contact.extra.Notes__c",
        ),
    ];
    for (spoil, field) in cases {
        let mut p = provision();
        spoil(&mut p);
        let refused = check_provision(&p).expect_err(field);
        assert_eq!(refused.field, field);
        assert!(refused.message.contains("'@{'"), "{refused}");
        assert!(
            !refused.message.contains("contact.id"),
            "value echoed: {refused}"
        );
    }
}

#[test]
fn an_at_sign_or_brace_alone_is_no_reference() {
    let mut p = provision();
    p.contact.first_name = Some("Ada {the first}".into());
    p.contact
        .extra
        .insert("Title".into(), serde_json::json!("lead @ research"));
    assert_eq!(check_provision(&p), Ok(()));
}
