use std::collections::BTreeMap;

use serde_json::json;

use super::*;
use crate::domain::{ContactFields, UserFields};

fn intent(account: AccountRef) -> Provision {
    Provision {
        account,
        contact: ContactFields {
            first_name: Some("Ada".into()),
            last_name: "Lovelace".into(),
            email: "ada@partner.example".into(),
            extra: BTreeMap::new(),
        },
        user: UserFields {
            username: "ada@partner.example.acme".into(),
            alias: "alove".into(),
            nickname: "ada.lovelace".into(),
            locale: "en_US".into(),
            time_zone: "Europe/London".into(),
            email_encoding: "UTF-8".into(),
            language: "en_US".into(),
            federation_id: None,
        },
        profile: "Partner Community User".into(),
        role: None,
        permission_sets: vec!["Gatehouse_Portal_Access".into()],
        welcome_email: WelcomeEmail::SiteSetting,
        purpose: None,
        sponsor: None,
        end_at: None,
    }
}

fn partner_profile() -> ObservedProfile {
    ObservedProfile {
        id: "00e000000000001AAA".into(),
        name: "Partner Community User".into(),
        licence: "Partner Community".into(),
        licence_key: Some("PID_Partner_Community".into()),
    }
}

#[test]
fn a_new_person_is_a_contact_upserted_under_the_accounts_key_and_a_user_created_on_it() {
    let writes = plan_new_person(
        &intent(AccountRef::Key("P-100".into())),
        &partner_profile(),
        "Gatehouse_Key__c",
    )
    .expect("no read needed");
    let ContactWrite::Upsert { fields } = &writes.contact else {
        panic!("{writes:#?}");
    };
    assert_eq!(fields["Account"], json!({"Gatehouse_Key__c": "P-100"}));
    assert!(!fields.contains_key("AccountId"));
    assert_eq!(fields["Email"], "ada@partner.example");
    let UserWrite::Create { fields } = &writes.user else {
        panic!("{writes:#?}");
    };
    assert_eq!(fields["ProfileId"], "00e000000000001AAA");
    assert_eq!(fields["Username"], "ada@partner.example.acme");
    assert_eq!(writes.assign, ["Gatehouse_Portal_Access"]);
    assert!(!writes.send_welcome);
    assert_eq!(writes.role, None);
}

#[test]
fn an_account_given_by_id_is_written_as_account_id() {
    let writes = plan_new_person(
        &intent(AccountRef::Id("001000000000001AAA".into())),
        &partner_profile(),
        "Gatehouse_Key__c",
    )
    .expect("no read needed");
    let ContactWrite::Upsert { fields } = &writes.contact else {
        panic!("{writes:#?}");
    };
    assert_eq!(fields["AccountId"], "001000000000001AAA");
    assert!(!fields.contains_key("Account"));
}

#[test]
fn a_role_above_the_lowest_or_too_many_sets_needs_the_read_first() {
    let profile = partner_profile();
    let mut manager = intent(AccountRef::Key("P-100".into()));
    manager.role = Some(PortalRoleLevel::Manager);
    assert_eq!(plan_new_person(&manager, &profile, "K__c"), None);
    let mut user_level = intent(AccountRef::Key("P-100".into()));
    user_level.role = Some(PortalRoleLevel::User);
    assert!(plan_new_person(&user_level, &profile, "K__c").is_some());

    let mut many = intent(AccountRef::Key("P-100".into()));
    many.permission_sets = (0..=MAX_SETS_WITHOUT_READ)
        .map(|n| format!("Set_{n}"))
        .collect();
    assert_eq!(plan_new_person(&many, &profile, "K__c"), None);
    many.permission_sets.pop();
    assert!(plan_new_person(&many, &profile, "K__c").is_some());
}
