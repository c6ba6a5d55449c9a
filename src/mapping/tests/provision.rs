//! Each provision field, from rule to intent.

use serde_json::json;

use super::*;
use crate::domain::{AccountRef, Intent, PortalRoleLevel, Provision, WelcomeEmail};

fn provision(decision: MappingDecision) -> (MappedCommand, Provision) {
    let mut commands = commands(decision);
    assert_eq!(commands.len(), 1, "{commands:?}");
    let command = commands.remove(0);
    match command.intent.clone() {
        Intent::Provision(p) => (command, *p),
        other => panic!("expected a provision, got {other:?}"),
    }
}

#[test]
fn a_signup_becomes_a_provision_with_every_required_field() {
    let (command, p) = provision(map(&signup_rule(""), signup()));
    assert_eq!(command.rule, "partner signup");
    assert_eq!(command.subject.as_str(), "partner-portal:u-1");
    assert_eq!(command.item_key, None);
    assert_eq!(command.source_time, utc("2026-01-31T18:42:00Z"));
    assert_eq!(command.effective_at, None);
    assert_eq!(p.account, AccountRef::Key("P-100".into()));
    assert_eq!(p.contact.first_name.as_deref(), Some("Ada"));
    assert_eq!(p.contact.last_name, "Lovelace");
    assert_eq!(p.contact.email, "ada.lovelace@partner.example");
    assert_eq!(p.user.username, "ada.lovelace@partner.example.acme");
    assert_eq!(p.user.alias, "alovelac");
    assert_eq!(p.user.nickname, "ada.lovelace");
    // Built-in defaults for what Salesforce requires and the rule left out.
    assert_eq!(p.user.locale, "en_US");
    assert_eq!(p.user.time_zone, "GMT");
    assert_eq!(p.user.email_encoding, "UTF-8");
    assert_eq!(p.user.language, "en_US");
    assert_eq!(p.user.federation_id, None);
    assert_eq!(p.profile, "Partner Community User");
    assert_eq!(p.role, None);
    assert!(p.permission_sets.is_empty());
    assert_eq!(p.welcome_email, WelcomeEmail::None);
    assert_eq!((p.purpose, p.sponsor, p.end_at), (None, None, None));
}

#[test]
fn optional_fields_are_rendered_when_the_rule_sets_them() {
    let more = r#"
alias = "{{ data.user.first_name }}"
nickname = "{{ data.user.id }}"
locale = "de_DE"
time_zone = "Europe/Berlin"
email_encoding = "ISO-8859-1"
language = "de"
federation_id = "{{ data.user.id }}"
role = "manager"
permission_sets = ["Partner_Deals", "{{ 'Partner_' ~ data.partner_id | replace('-', '_') }}", "", "Partner_Deals"]
welcome_email = "site-setting"
purpose = "Reseller of {{ data.partner_id }}"
sponsor = "channel-team"
end_date = "2026-12-31"
contact = { first_name = "{{ data.user.first_name }}", last_name = "{{ data.user.last_name }}", email = "{{ data.user.email }}", extra = { Title = "Partner", Department = "{{ data.missing_dept | default('') }}" } }
"#;
    let extra = signup_rule(more).replace(
        "contact = { first_name = \"{{ data.user.first_name }}\", last_name = \"{{ data.user.last_name }}\", email = \"{{ data.user.email }}\" }\n",
        "",
    );
    let (_, p) = provision(map(&extra, signup()));
    assert_eq!(p.user.alias, "Ada");
    assert_eq!(p.user.nickname, "u-1");
    assert_eq!(p.user.locale, "de_DE");
    assert_eq!(p.user.time_zone, "Europe/Berlin");
    assert_eq!(p.user.email_encoding, "ISO-8859-1");
    assert_eq!(p.user.language, "de");
    assert_eq!(p.user.federation_id.as_deref(), Some("u-1"));
    assert_eq!(p.role, Some(PortalRoleLevel::Manager));
    // Empty names are dropped, repeats kept once, order kept.
    assert_eq!(p.permission_sets, vec!["Partner_Deals", "Partner_P_100"]);
    assert_eq!(p.welcome_email, WelcomeEmail::SiteSetting);
    assert_eq!(p.purpose.as_deref(), Some("Reseller of P-100"));
    assert_eq!(p.sponsor.as_deref(), Some("channel-team"));
    assert_eq!(p.end_at, Some(utc("2027-01-01T00:00:00Z")));
    assert_eq!(p.contact.extra.get("Title"), Some(&json!("Partner")));
    assert!(!p.contact.extra.contains_key("Department"));
}

#[test]
fn mapping_defaults_fill_user_settings_and_the_username() {
    let extra = format!(
        "[mapping.defaults]\nlocale = \"fr_FR\"\ntime_zone = \"Europe/Paris\"\nlanguage = \"fr\"\nusername = \"{{{{ data.user.id }}}}@portal.acme.example\"\n{}",
        signup_rule("").replace("username = \"{{ contact.email }}.acme\"\n", "")
    );
    let (_, p) = provision(map(&extra, signup()));
    assert_eq!(p.user.locale, "fr_FR");
    assert_eq!(p.user.time_zone, "Europe/Paris");
    assert_eq!(p.user.language, "fr");
    assert_eq!(p.user.email_encoding, "UTF-8");
    assert_eq!(p.user.username, "u-1@portal.acme.example");
}

#[test]
fn an_account_by_salesforce_id_is_checked_for_its_shape() {
    let by_id = signup_rule("").replace(
        "account = { key = \"{{ data.partner_id }}\" }",
        "account = { id = \"{{ data.partner_id }}\" }",
    );
    let mut body = signup();
    body["data"]["partner_id"] = json!("001000000000001AAA");
    let (_, p) = provision(map(&by_id, body));
    assert_eq!(p.account, AccountRef::Id("001000000000001AAA".into()));
    let reason = unmapped(map(&by_id, signup()));
    assert!(
        reason.contains("provision.account.id") && reason.contains("not an Account id"),
        "{reason}"
    );
}

#[test]
fn rendered_values_that_salesforce_would_refuse_are_reported_by_field() {
    let cases = [
        (
            "role = \"{{ data.user.id }}\"",
            "provision.role",
            "not a portal role level",
        ),
        (
            "welcome_email = \"{{ data.user.id }}\"",
            "provision.welcome_email",
            "not a welcome email choice",
        ),
        (
            "alias = \"{{ data.user.email }}\"",
            "provision.alias",
            "at most 8 characters",
        ),
        (
            "nickname = \"{{ data.user.email * 3 }}\"",
            "provision.nickname",
            "at most 40",
        ),
        (
            "time_zone = \"{{ data.user.id }}\"",
            "provision.time_zone",
            "not a time zone",
        ),
        (
            "end_date = \"{{ data.user.id }}\"",
            "provision.end_date",
            "neither a timestamp nor a date",
        ),
    ];
    for (line, field, says) in cases {
        let reason = unmapped(map(&signup_rule(line), signup()));
        assert!(reason.starts_with("rule 'partner signup': "), "{reason}");
        assert!(
            reason.contains(field) && reason.contains(says),
            "{line}: {reason}"
        );
    }
}

#[test]
fn an_email_or_username_of_the_wrong_shape_is_refused_without_echoing_it() {
    let mut body = signup();
    body["data"]["user"]["email"] = json!("ada at partner");
    let reason = unmapped(map(&signup_rule(""), body));
    assert!(reason.contains("provision.contact.email"), "{reason}");
    assert!(!reason.contains("ada at partner"), "{reason}");

    // A valid email whose username (email + ".acme") passes Salesforce's 80 characters.
    let long = format!("ada@partner-{}.example", "x".repeat(60));
    let mut body = signup();
    body["data"]["user"]["email"] = json!(long);
    let reason = unmapped(map(&signup_rule(""), body));
    assert!(
        reason.contains("provision.username") && reason.contains("at most 80"),
        "{reason}"
    );
    assert!(!reason.contains(&long), "{reason}");
}

#[test]
fn names_without_latin_letters_still_give_an_alias_and_nickname() {
    let mut body = signup();
    body["data"]["user"]["first_name"] = json!("李");
    body["data"]["user"]["last_name"] = json!("王");
    let (_, p) = provision(map(&signup_rule(""), body));
    assert_eq!(p.user.alias, "u1");
    assert_eq!(p.user.nickname, "u1");
    assert_eq!(p.contact.last_name, "王");
}
