//! The org's rules exercised directly, without HTTP (the HTTP tests live in `tests/sim/`).

use serde_json::{Map, Value, json};

use super::super::{EmailKind, Org};
use crate::error::ApiError;

fn body(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

fn id_where(org: &Org, object: &str, field: &str, value: &str) -> String {
    org.records_of(object)
        .find(|r| r.text(field) == Some(value))
        .map(|r| r.id.clone())
        .expect("record exists")
}

fn contact(org: &mut Org, account_key: &str, last_name: &str) -> String {
    let account = id_where(org, "Account", "Gatehouse_Key__c", account_key);
    org.create(
        "Contact",
        &body(json!({"LastName": last_name, "AccountId": account, "Email": "x@example.com"})),
    )
    .expect("contact")
}

fn external_user(
    org: &mut Org,
    contact: &str,
    profile: &str,
    username: &str,
) -> Result<String, ApiError> {
    let profile = id_where(org, "Profile", "Name", profile);
    org.create(
        "User",
        &body(json!({
            "Username": username, "LastName": "Person", "Email": username, "Alias": "person",
            "TimeZoneSidKey": "Europe/London", "LocaleSidKey": "en_GB",
            "EmailEncodingKey": "UTF-8", "LanguageLocaleKey": "en_US",
            "ProfileId": profile, "ContactId": contact,
        })),
    )
}

fn used(org: &Org, licence: &str) -> i64 {
    org.licences()
        .into_iter()
        .find(|l| l.name == licence)
        .map(|l| l.used)
        .expect("licence")
}

#[test]
fn customer_community_licences_run_out_and_deactivation_frees_one() {
    let mut org = Org::default_org();
    let mut made = Vec::new();
    for n in 0..5 {
        let c = contact(&mut org, "C-200", &format!("P{n}"));
        let user = external_user(
            &mut org,
            &c,
            "Customer Community User",
            &format!("p{n}@example.com"),
        )
        .expect("room for five");
        made.push(user);
    }
    assert_eq!(used(&org, "Customer Community"), 5);
    let sixth = contact(&mut org, "C-200", "P6");
    let refused = external_user(
        &mut org,
        &sixth,
        "Customer Community User",
        "p6@example.com",
    )
    .expect_err("full");
    assert_eq!(refused.code(), "LICENSE_LIMIT_EXCEEDED");
    assert_eq!(
        refused.errors[0].message,
        "License Limit Exceeded - Customer Community"
    );

    org.update("User", &made[0], &body(json!({"IsActive": false})))
        .expect("deactivate");
    assert_eq!(used(&org, "Customer Community"), 4);
    external_user(
        &mut org,
        &sixth,
        "Customer Community User",
        "p6@example.com",
    )
    .expect("a freed licence is taken");
    let reactivated = org.update("User", &made[0], &body(json!({"IsActive": true})));
    assert_eq!(
        reactivated.expect_err("full again").code(),
        "LICENSE_LIMIT_EXCEEDED"
    );
}

#[test]
fn one_contact_holds_one_user_until_it_is_disabled() {
    let mut org = Org::default_org();
    let c = contact(&mut org, "C-200", "Solo");
    let first = external_user(
        &mut org,
        &c,
        "Customer Community Plus User",
        "solo@example.com",
    )
    .expect("first");
    let second = external_user(
        &mut org,
        &c,
        "Customer Community Plus User",
        "solo2@example.com",
    );
    assert_eq!(
        second.expect_err("one user per contact").code(),
        "PORTAL_USER_ALREADY_EXISTS_FOR_CONTACT"
    );

    org.update("User", &first, &body(json!({"IsPortalEnabled": false})))
        .expect("disable");
    let disabled = org.record(&first).expect("still there");
    assert!(!disabled.flag("IsActive"));
    assert!(disabled.get("ContactId").is_some_and(Value::is_null));
    assert!(
        disabled
            .text("Username")
            .is_some_and(|u| u.starts_with("solo@example.com.disabled."))
    );
    external_user(
        &mut org,
        &c,
        "Customer Community Plus User",
        "solo@example.com",
    )
    .expect("a new user on the contact, with the freed username");
}

#[test]
fn external_users_need_an_owner_with_a_role_and_partners_a_partner_account() {
    let mut org = Org::default_org();
    let no_role = contact(&mut org, "N-300", "Norole");
    let refused = external_user(
        &mut org,
        &no_role,
        "Customer Community User",
        "n@example.com",
    )
    .expect_err("owner without role");
    assert_eq!(refused.code(), "UNKNOWN_EXCEPTION");
    assert_eq!(
        refused.errors[0].message,
        "portal account owner must have a role"
    );

    let customer = contact(&mut org, "C-200", "Cust");
    let refused = external_user(
        &mut org,
        &customer,
        "Partner Community User",
        "c@example.com",
    )
    .expect_err("not a partner account");
    assert_eq!(refused.code(), "FIELD_INTEGRITY_EXCEPTION");
}

#[test]
fn the_first_partner_user_makes_the_accounts_portal_roles_and_takes_the_lowest() {
    let mut org = Org::default_org();
    let c = contact(&mut org, "P-100", "Partner");
    let user = external_user(
        &mut org,
        &c,
        "Partner Community User",
        "partner@example.com",
    )
    .expect("partner user");
    let names: Vec<String> = org
        .records_of("UserRole")
        .filter(|r| r.text("PortalType") == Some("Partner"))
        .filter_map(|r| r.text("Name").map(str::to_owned))
        .collect();
    assert_eq!(
        names,
        [
            "Northwind Partners Partner Executive",
            "Northwind Partners Partner Manager",
            "Northwind Partners Partner User"
        ]
    );
    let role = org
        .record(&user)
        .and_then(|u| u.text("UserRoleId"))
        .expect("role");
    assert_eq!(
        org.record(role).and_then(|r| r.text("Name")),
        Some("Northwind Partners Partner User")
    );
}

#[test]
fn a_new_external_member_gets_a_login_a_site_membership_and_one_welcome_email() {
    let mut org = Org::default_org();
    let c = contact(&mut org, "C-200", "Welcome");
    let user = external_user(
        &mut org,
        &c,
        "Customer Community User",
        "welcome@example.com",
    )
    .expect("user");
    assert!(org.user_login_of(&user).is_some());
    assert!(
        org.records_of("NetworkMember")
            .any(|m| m.text("MemberId") == Some(user.as_str()))
    );
    let welcomes: Vec<_> = org
        .emails()
        .iter()
        .filter(|e| e.kind == EmailKind::Welcome)
        .collect();
    assert_eq!(welcomes.len(), 1);
    assert_eq!(welcomes[0].to, "welcome@example.com");
}

#[test]
fn mixed_dml_in_one_all_or_none_transaction_is_refused_and_rolled_back() {
    let mut org = Org::default_org();
    org.settings_mut().enforce_mixed_dml = true;
    org.set_now(Some(chrono::DateTime::UNIX_EPOCH));
    let before = org.dump();
    let savepoint = org.begin_all_or_none();
    let account = org
        .create("Account", &body(json!({"Name": "Mixed"})))
        .expect("non-setup write");
    let c = org
        .create(
            "Contact",
            &body(json!({"LastName": "Mixed", "AccountId": account})),
        )
        .expect("non-setup write");
    let refused = external_user(&mut org, &c, "Customer Community User", "mixed@example.com")
        .expect_err("setup after non-setup");
    assert_eq!(refused.code(), "MIXED_DML_OPERATION");
    org.rollback(savepoint);
    assert!(org.dump() == before, "the org is as it was");
}

/// The names of the Account's portal roles of `portal_type`, top first.
fn portal_role_names(org: &Org, portal_type: &str) -> Vec<String> {
    org.records_of("UserRole")
        .filter(|r| r.text("PortalType") == Some(portal_type))
        .filter_map(|r| r.text("Name").map(str::to_owned))
        .collect()
}

#[test]
fn an_org_set_to_one_partner_role_makes_only_the_user_level() {
    let mut org = Org::default_org();
    org.settings_mut().partner_roles = 1;
    let c = contact(&mut org, "P-100", "Partner");
    external_user(&mut org, &c, "Partner Community User", "one@example.com").expect("user");
    assert_eq!(
        portal_role_names(&org, "Partner"),
        ["Northwind Partners Partner User"]
    );
}

#[test]
fn minimized_roles_give_the_first_user_the_shared_role_and_the_second_makes_the_accounts() {
    let mut org = Org::default_org();
    org.settings_mut().minimize_roles = true;
    let first_contact = contact(&mut org, "P-100", "First");
    let first = external_user(
        &mut org,
        &first_contact,
        "Partner Community User",
        "first@example.com",
    )
    .expect("first user");
    assert_eq!(
        portal_role_names(&org, "Partner"),
        ["powner Partner Person Account"]
    );
    let second_contact = contact(&mut org, "P-100", "Second");
    let second = external_user(
        &mut org,
        &second_contact,
        "Partner Community User",
        "second@example.com",
    )
    .expect("second user");
    let lowest = id_where(&org, "UserRole", "Name", "Northwind Partners Partner User");
    for user in [first, second] {
        let role = org.record(&user).and_then(|u| u.text("UserRoleId"));
        assert_eq!(
            role,
            Some(lowest.as_str()),
            "both on the Account's lowest role"
        );
    }
}

#[test]
fn deliverability_decides_which_emails_leave_the_org() {
    use super::super::Deliverability;
    for (level, welcomes, resets) in [
        (Deliverability::All, 1, 1),
        (Deliverability::System, 0, 1),
        (Deliverability::None, 0, 1),
    ] {
        let mut org = Org::default_org();
        org.settings_mut().email_deliverability = level;
        let c = contact(&mut org, "C-200", "Mail");
        let user = external_user(&mut org, &c, "Customer Community User", "mail@example.com")
            .expect("user");
        org.reset_password(&user).expect("reset");
        let count = |kind| org.emails().iter().filter(|e| e.kind == kind).count();
        assert_eq!(count(EmailKind::Welcome), welcomes, "{level:?}");
        assert_eq!(count(EmailKind::PasswordReset), resets, "{level:?}");
    }
}

#[test]
fn a_contact_names_its_account_by_the_accounts_external_id() {
    let mut org = Org::default_org();
    let account = id_where(&org, "Account", "Gatehouse_Key__c", "P-100");
    let upserted = org
        .upsert(
            "Contact",
            "Gatehouse_Key__c",
            "portal:nested-1",
            &body(json!({
                "LastName": "Nested", "Email": "nested@example.com",
                "Account": {"Gatehouse_Key__c": "P-100"},
            })),
            false,
        )
        .expect("upsert");
    let crate::org::UpsertOutcome::Created(contact) = upserted else {
        panic!("created: {upserted:?}");
    };
    assert_eq!(org.text_of(&contact, "AccountId"), Some(account));

    let missing = org
        .create(
            "Contact",
            &body(json!({"LastName": "Nobody", "Account": {"Gatehouse_Key__c": "NO-SUCH"}})),
        )
        .expect_err("no Account has the key");
    assert_eq!(missing.code(), "INVALID_FIELD");
    assert!(
        missing
            .to_string()
            .contains("Foreign key external ID: NO-SUCH"),
        "{missing}"
    );
}
