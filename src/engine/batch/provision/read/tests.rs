use std::collections::HashMap;

use serde_json::{Value, json};

use super::{Family, ReadSetup, Rows, Wanted, deal, queries};
use crate::domain::{AccountRef, ContactFields, PortalRoleLevel, Provision, UserFields};
use crate::engine::batch::BatchLimits;
use crate::engine::licences::LICENCE_QUERY;
use crate::engine::plan::ObservedProfile;
use crate::engine::read::KeyFields;
use crate::salesforce::Record;

fn keys() -> KeyFields {
    KeyFields {
        contact: "Key__c".into(),
        account: "AKey__c".into(),
    }
}

fn intent(account: &str, email: &str, sets: &[&str]) -> Provision {
    Provision {
        account: AccountRef::Key(account.into()),
        contact: ContactFields {
            first_name: None,
            last_name: "L".into(),
            email: email.into(),
            extra: Default::default(),
        },
        user: UserFields {
            username: format!("{email}.x"),
            alias: "a".into(),
            nickname: "n".into(),
            locale: "en_GB".into(),
            time_zone: "Europe/London".into(),
            email_encoding: "UTF-8".into(),
            language: "en_US".into(),
            federation_id: None,
        },
        profile: "Partner Community User".into(),
        role: Some(PortalRoleLevel::User),
        permission_sets: sets.iter().map(|s| (*s).to_owned()).collect(),
        welcome_email: Default::default(),
        purpose: None,
        sponsor: None,
        end_at: None,
    }
}

fn record(value: Value) -> Record {
    match value {
        Value::Object(fields) => Record::from_fields(fields),
        _ => unreachable!("records are objects"),
    }
}

fn setup<'a>(
    keys: &'a KeyFields,
    profiles: &'a HashMap<String, ObservedProfile>,
    limits: &'a BatchLimits,
    adopt: bool,
) -> ReadSetup<'a> {
    ReadSetup {
        keys,
        adopt_by_email: adopt,
        partner_accounts: true,
        profiles,
        limits,
        licences_needed: false,
    }
}

/// Two people's rows mixed in each query's answer, as one read of both returns them.
fn rows() -> HashMap<Family, Vec<Record>> {
    let mut rows = HashMap::new();
    rows.insert(
        Family::AccountsByKey,
        vec![
            record(json!({"Id": "001A00000000001AAA", "Name": "A", "IsPartner": true, "AKey__c": "A-1", "Owner": {"UserRoleId": "00E1"}})),
            record(json!({"Id": "001B00000000001AAA", "Name": "B", "IsPartner": false, "AKey__c": "B-1", "Owner": {"UserRoleId": null}})),
        ],
    );
    rows.insert(
        Family::Contacts,
        vec![
            record(json!({"Id": "003200000000002AAA", "AccountId": "001B00000000001AAA", "Email": "two@x", "Key__c": "k-2"})),
            record(json!({"Id": "003100000000001AAA", "AccountId": "001A00000000001AAA", "Email": "one@x", "Key__c": "K-1"})),
        ],
    );
    rows.insert(
        Family::Adoptable,
        vec![
            // Same email as person 2, but in person 1's Account: not person 2's to adopt.
            record(json!({"Id": "003900000000009AAA", "AccountId": "001A00000000001AAA", "Email": "TWO@x", "Key__c": null})),
            record(json!({"Id": "003800000000008AAA", "AccountId": "001A00000000001AAA", "Email": "three@x", "Key__c": null})),
        ],
    );
    rows.insert(
        Family::Users,
        vec![
            record(json!({"Id": "005200000000002AAA", "ContactId": "003200000000002", "Username": "two", "IsActive": true})),
            record(json!({"Id": "005100000000001AAA", "ContactId": "003100000000001AAA", "Username": "one", "IsActive": false})),
        ],
    );
    rows.insert(
        Family::Assignments,
        vec![
            record(json!({"AssigneeId": "005100000000001AAA", "PermissionSet": {"Name": "S1"}})),
            record(json!({"AssigneeId": "005200000000002", "PermissionSet": {"Name": "S2"}})),
        ],
    );
    rows.insert(
        Family::Profiles,
        vec![record(json!({"Id": "00e1", "Name": "Partner Community User", "UserLicense": {"Name": "Partner Community", "LicenseDefinitionKey": "PID_Partner_Community"}}))],
    );
    rows
}

#[test]
fn each_person_gets_their_own_rows() {
    let (keys, profiles, limits) = (keys(), HashMap::new(), BatchLimits::default());
    let setup = setup(&keys, &profiles, &limits, true);
    let one = intent("A-1", "one@x", &["S1"]);
    let two = intent("B-1", "two@x", &["S2"]);
    let three = intent("A-1", "three@x", &[]);
    let wanted = [
        Wanted {
            subject: "K-1",
            intent: &one,
            read_login: false,
        },
        Wanted {
            subject: "K-2",
            intent: &two,
            read_login: false,
        },
        Wanted {
            subject: "K-3",
            intent: &three,
            read_login: false,
        },
    ];
    let observed = deal(&setup, &wanted, &Rows::index(&keys, rows()));

    let [one, two, three] = observed.as_slice() else {
        panic!("three people");
    };
    assert_eq!(one.account.as_ref().map(|a| a.name.as_str()), Some("A"));
    assert!(
        one.account
            .as_ref()
            .is_some_and(|a| a.owner_has_role && a.is_partner)
    );
    assert_eq!(
        one.keyed_contact.as_ref().map(|c| c.id.as_str()),
        Some("003100000000001AAA")
    );
    assert_eq!(one.user.as_ref().map(|u| u.username.as_str()), Some("one"));
    assert_eq!(one.permission_sets, vec!["S1"]);
    assert!(one.adoptable.is_empty());
    assert_eq!(
        one.profile.as_ref().map(|p| p.licence.as_str()),
        Some("Partner Community")
    );

    // Keys and ids match as Salesforce compares them: key case aside, ids on 15 characters.
    assert!(
        two.account
            .as_ref()
            .is_some_and(|a| !a.owner_has_role && !a.is_partner)
    );
    assert_eq!(
        two.keyed_contact.as_ref().map(|c| c.id.as_str()),
        Some("003200000000002AAA")
    );
    assert_eq!(two.user.as_ref().map(|u| u.username.as_str()), Some("two"));
    assert_eq!(two.permission_sets, vec!["S2"]);
    assert!(two.adoptable.is_empty(), "{:?}", two.adoptable);

    assert!(three.keyed_contact.is_none());
    assert_eq!(
        three
            .adoptable
            .iter()
            .map(|c| c.id.as_str())
            .collect::<Vec<_>>(),
        vec!["003800000000008AAA"]
    );
    assert!(three.user.is_none());
}

#[test]
fn an_account_key_several_accounts_carry_is_no_account() {
    let (keys, profiles, limits) = (keys(), HashMap::new(), BatchLimits::default());
    let setup = setup(&keys, &profiles, &limits, false);
    let mut rows = rows();
    rows.entry(Family::AccountsByKey).or_default().push(record(
        json!({"Id": "001C00000000001AAA", "Name": "C", "AKey__c": "a-1"}),
    ));
    let one = intent("A-1", "one@x", &[]);
    let wanted = [Wanted {
        subject: "K-1",
        intent: &one,
        read_login: false,
    }];
    let observed = deal(&setup, &wanted, &Rows::index(&keys, rows));
    assert!(observed[0].account.is_none());
}

#[test]
fn the_group_is_read_in_in_lists_asking_each_value_once() {
    let (keys, limits) = (keys(), BatchLimits::default());
    let mut profiles = HashMap::new();
    profiles.insert(
        "Partner Community User".to_owned(),
        ObservedProfile {
            id: "00e1".into(),
            name: "Partner Community User".into(),
            licence: "Partner Community".into(),
            licence_key: None,
        },
    );
    let setup = setup(&keys, &profiles, &limits, false);
    let one = intent("A-1", "one@x", &["S1"]);
    let two = intent("A-1", "two@x", &[]);
    let wanted = [
        Wanted {
            subject: "K-1",
            intent: &one,
            read_login: true,
        },
        Wanted {
            subject: "K-2",
            intent: &two,
            read_login: false,
        },
    ];
    let soql: Vec<(Family, String)> = queries(&setup, &wanted, 20);
    let of = |f: Family| -> Vec<&str> {
        soql.iter()
            .filter(|(g, _)| *g == f)
            .map(|(_, q)| q.as_str())
            .collect()
    };
    assert_eq!(of(Family::AccountsByKey).len(), 1);
    assert!(of(Family::AccountsByKey)[0].ends_with("WHERE AKey__c IN ('A-1')"));
    assert!(of(Family::Contacts)[0].ends_with("WHERE Key__c IN ('K-1', 'K-2')"));
    assert!(of(Family::Users)[0].ends_with("WHERE Contact.Key__c IN ('K-1', 'K-2')"));
    assert!(of(Family::Logins)[0].ends_with("WHERE User.Contact.Key__c IN ('K-1')"));
    assert!(of(Family::Assignments)[0].ends_with("WHERE Assignee.Contact.Key__c IN ('K-1')"));
    // A known profile is not asked for; without adoption, no email is.
    assert!(of(Family::Profiles).is_empty());
    assert!(of(Family::Adoptable).is_empty());
    assert!(of(Family::PermissionSets)[0].ends_with("WHERE Name IN ('S1')"));
    // The second composite has room: the licence counts ride in it.
    assert_eq!(of(Family::Licences), [LICENCE_QUERY]);
    assert_eq!(soql.len(), 7, "{soql:#?}");
}

#[test]
fn the_licence_counts_ride_where_they_fit_and_take_a_request_only_when_needed() {
    let (keys, limits) = (keys(), BatchLimits::default());
    let profiles = HashMap::new();
    let one = intent("A-1", "one@x", &[]);
    // Accounts, Contacts, Users, Profiles: four queries, room for the counts.
    let wanted = [Wanted {
        subject: "K-1",
        intent: &one,
        read_login: false,
    }];
    let fits = queries(&setup(&keys, &profiles, &limits, false), &wanted, 20);
    assert_eq!(fits.len(), 5, "{fits:#?}");
    assert_eq!(fits[4].0, Family::Licences);
    // With the login too, five queries fill the composite: the counts are left out ...
    let frozen = [Wanted {
        subject: "K-1",
        intent: &one,
        read_login: true,
    }];
    let full = queries(&setup(&keys, &profiles, &limits, false), &frozen, 20);
    assert!(
        full.iter().all(|(f, _)| *f != Family::Licences),
        "{full:#?}"
    );
    // ... unless the counts at hand are past trusting.
    let mut needed = setup(&keys, &profiles, &limits, false);
    needed.licences_needed = true;
    let stale = queries(&needed, &frozen, 20);
    assert_eq!(stale.last().map(|(f, _)| *f), Some(Family::Licences));
}
