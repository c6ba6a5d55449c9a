use std::collections::BTreeMap;
use std::time::Duration;

use super::*;
use crate::domain::{
    AccountRef, ContactFields, DeprovisionMode, LicenceEffect, Provision, UserFields, WelcomeEmail,
};

const ACCOUNT: &str = "001000000000001AAA";
const CONTACT: &str = "003000000000001AAA";
const USER: &str = "005000000000001AAA";
const PROFILE: &str = "00e000000000001AAA";

fn intent() -> Provision {
    Provision {
        account: AccountRef::Key("P-100".into()),
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
        permission_sets: vec![],
        welcome_email: WelcomeEmail::PasswordReset,
        purpose: None,
        sponsor: None,
        end_at: None,
    }
}

fn policy() -> ProvisionPolicy {
    ProvisionPolicy {
        adopt_by_email: true,
        contact_key_field: "Gatehouse_Key__c".into(),
    }
}

fn empty_org() -> Observed {
    Observed {
        account: Some(ObservedAccount {
            id: ACCOUNT.into(),
            name: "Partner Co".into(),
            is_partner: true,
            owner_has_role: true,
        }),
        profile: Some(ObservedProfile {
            id: PROFILE.into(),
            name: "Partner Community User".into(),
            licence: "Partner Community".into(),
            licence_key: Some("PID_Partner_Community".into()),
        }),
        ..Observed::default()
    }
}

fn contact(key: Option<&str>, account: &str) -> ObservedContact {
    ObservedContact {
        id: CONTACT.into(),
        account_id: Some(account.into()),
        first_name: Some("Ada".into()),
        last_name: Some("Lovelace".into()),
        email: Some("ada@partner.example".into()),
        key: key.map(str::to_owned),
    }
}

fn user() -> ObservedUser {
    ObservedUser {
        id: USER.into(),
        username: "ada@partner.example.acme".into(),
        is_active: true,
        contact_id: Some(CONTACT.into()),
        profile_id: PROFILE.into(),
        profile_name: Some("Partner Community User".into()),
        licence: Some("Partner Community".into()),
        first_name: Some("Ada".into()),
        last_name: Some("Lovelace".into()),
        email: Some("ada@partner.example".into()),
        nickname: Some("ada.lovelace".into()),
        role_id: None,
        portal_role: None,
    }
}

fn provisioned() -> Observed {
    Observed {
        keyed_contact: Some(contact(Some("pp:u-1"), ACCOUNT)),
        user: Some(user()),
        login: Some(("060000000000001AAA".into(), false)),
        ..empty_org()
    }
}

fn writes(plan: ProvisionPlan) -> ProvisionWrites {
    match plan {
        ProvisionPlan::Write(w) => *w,
        other => panic!("expected writes, got {other:?}"),
    }
}

fn refused(plan: ProvisionPlan) -> String {
    match plan {
        ProvisionPlan::Refuse(r) => r.code,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_new_person_gets_a_contact_by_key_and_a_new_user_with_the_welcome_email() {
    let w = writes(plan_provision(&intent(), "pp:u-1", &empty_org(), &policy()));
    let ContactWrite::Upsert { fields } = &w.contact else {
        panic!("{:?}", w.contact)
    };
    assert_eq!(fields["AccountId"], ACCOUNT);
    assert_eq!(fields["LastName"], "Lovelace");
    let UserWrite::Create { fields } = &w.user else {
        panic!("{:?}", w.user)
    };
    for required in [
        "Username",
        "LastName",
        "Email",
        "Alias",
        "CommunityNickname",
        "TimeZoneSidKey",
        "LocaleSidKey",
        "EmailEncodingKey",
        "LanguageLocaleKey",
        "ProfileId",
    ] {
        assert!(fields.contains_key(required), "{required} missing");
    }
    assert!(w.send_welcome);
}

#[test]
fn a_person_as_desired_needs_no_change() {
    assert_eq!(
        plan_provision(&intent(), "pp:u-1", &provisioned(), &policy()),
        ProvisionPlan::NoChange
    );
}

#[test]
fn an_inactive_frozen_user_is_reactivated_and_unfrozen_without_a_new_welcome() {
    let mut org = provisioned();
    org.user.as_mut().unwrap().is_active = false;
    org.login = Some(("060000000000001AAA".into(), true));
    let w = writes(plan_provision(&intent(), "pp:u-1", &org, &policy()));
    assert_eq!(
        w.user,
        UserWrite::Update {
            id: USER.into(),
            fields: serde_json::json!({"IsActive": true})
                .as_object()
                .unwrap()
                .clone()
        }
    );
    assert_eq!(w.unfreeze.as_deref(), Some("060000000000001AAA"));
    assert!(!w.send_welcome);
}

#[test]
fn a_profile_change_updates_the_profile() {
    let mut org = provisioned();
    org.profile.as_mut().unwrap().id = "00e000000000002AAA".into();
    let w = writes(plan_provision(&intent(), "pp:u-1", &org, &policy()));
    let UserWrite::Update { fields, .. } = w.user else {
        panic!()
    };
    assert_eq!(fields["ProfileId"], "00e000000000002AAA");
}

#[test]
fn a_keyed_contact_under_another_account_is_refused_not_moved() {
    let mut org = empty_org();
    org.keyed_contact = Some(contact(Some("pp:u-1"), "001000000000009AAA"));
    assert_eq!(
        refused(plan_provision(&intent(), "pp:u-1", &org, &policy())),
        "CONTACT_IN_OTHER_ACCOUNT"
    );
}

#[test]
fn one_contact_with_the_email_in_the_account_is_adopted_with_its_user() {
    let mut org = empty_org();
    org.adoptable = vec![contact(None, ACCOUNT)];
    org.user = Some(user());
    let w = writes(plan_provision(&intent(), "pp:u-1", &org, &policy()));
    let ContactWrite::Adopt { id, fields } = &w.contact else {
        panic!("{:?}", w.contact)
    };
    assert_eq!(id, CONTACT);
    assert_eq!(fields["Gatehouse_Key__c"], "pp:u-1");
    assert_eq!(
        w.user,
        UserWrite::Keep { id: USER.into() },
        "the Contact's user is reused"
    );
    assert!(!w.send_welcome);
}

#[test]
fn adoption_never_takes_a_contact_from_another_account_or_when_switched_off() {
    let mut org = empty_org();
    org.adoptable = vec![contact(None, "001000000000009AAA")];
    let w = writes(plan_provision(&intent(), "pp:u-1", &org, &policy()));
    assert!(matches!(w.contact, ContactWrite::Upsert { .. }));

    let mut org = empty_org();
    org.adoptable = vec![contact(None, ACCOUNT)];
    let off = ProvisionPolicy {
        adopt_by_email: false,
        ..policy()
    };
    let w = writes(plan_provision(&intent(), "pp:u-1", &org, &off));
    assert!(matches!(w.contact, ContactWrite::Upsert { .. }));
}

#[test]
fn two_adoptable_contacts_are_ambiguous() {
    let mut org = empty_org();
    let mut second = contact(None, ACCOUNT);
    second.id = "003000000000002AAA".into();
    org.adoptable = vec![contact(None, ACCOUNT), second];
    assert_eq!(
        refused(plan_provision(&intent(), "pp:u-1", &org, &policy())),
        "AMBIGUOUS_CONTACT"
    );
}

#[test]
fn ineligible_accounts_and_unknown_profiles_are_refused() {
    let mut no_role = empty_org();
    no_role.account.as_mut().unwrap().owner_has_role = false;
    let mut not_partner = empty_org();
    not_partner.account.as_mut().unwrap().is_partner = false;
    let mut no_profile = empty_org();
    no_profile.profile = None;
    let mut no_account = empty_org();
    no_account.account = None;
    for (org, code) in [
        (no_role, "ACCOUNT_NOT_ELIGIBLE"),
        (not_partner, "ACCOUNT_NOT_ELIGIBLE"),
        (no_profile, "PROFILE_NOT_FOUND"),
        (no_account, "ACCOUNT_NOT_FOUND"),
    ] {
        assert_eq!(
            refused(plan_provision(&intent(), "pp:u-1", &org, &policy())),
            code
        );
    }
}

#[test]
fn an_email_change_is_written_whenever_the_user_shows_another_address() {
    let mut wanted = intent();
    wanted.contact.email = "ada@new.example".into();
    let mut org = provisioned();
    org.keyed_contact.as_mut().unwrap().email = Some("ada@new.example".into());
    let w = writes(plan_provision(&wanted, "pp:u-1", &org, &policy()));
    assert_eq!(w.email_change.as_deref(), Some("ada@new.example"));
    let UserWrite::Update { fields, .. } = &w.user else {
        panic!("{:?}", w.user)
    };
    assert_eq!(fields["Email"], "ada@new.example");
    // Salesforce applies an external user's change at once: once the user shows it, nothing is
    // left to write.
    org.user.as_mut().unwrap().email = Some("ada@new.example".into());
    assert_eq!(
        plan_provision(&wanted, "pp:u-1", &org, &policy()),
        ProvisionPlan::NoChange
    );
}

#[test]
fn missing_permission_sets_are_assigned_and_present_ones_kept() {
    let mut wanted = intent();
    wanted.permission_sets = vec!["Partner_Portal_Access".into(), "Deal_Registration".into()];
    let mut org = provisioned();
    org.permission_sets = vec!["partner_portal_access".into()];
    let w = writes(plan_provision(&wanted, "pp:u-1", &org, &policy()));
    assert_eq!(w.assign, vec!["Deal_Registration".to_owned()]);
}

#[test]
fn deprovision_modes_write_what_they_name_with_their_licence_effect() {
    let org = provisioned();
    let freed = LicenceEffect::Freed {
        licence: "Partner Community".into(),
    };
    assert_eq!(
        plan_deprovision(DeprovisionMode::Deactivate, &org),
        DeprovisionPlan::Write {
            writes: vec![DeprovisionWrite::Deactivate {
                user_id: USER.into()
            }],
            licence_effect: freed.clone(),
        }
    );
    assert_eq!(
        plan_deprovision(DeprovisionMode::Freeze, &org),
        DeprovisionPlan::Write {
            writes: vec![DeprovisionWrite::Freeze {
                login_id: "060000000000001AAA".into()
            }],
            licence_effect: LicenceEffect::Kept {
                licence: "Partner Community".into()
            },
        }
    );
    let grace = DeprovisionMode::FreezeThenDeactivate {
        grace: Duration::from_secs(3600),
    };
    assert!(matches!(
        plan_deprovision(grace, &org),
        DeprovisionPlan::Write { ref writes, .. } if matches!(writes[0], DeprovisionWrite::Freeze { .. })
    ));
    assert_eq!(
        plan_deprovision(DeprovisionMode::Disable, &org),
        DeprovisionPlan::Write {
            writes: vec![DeprovisionWrite::Disable {
                user_id: USER.into()
            }],
            licence_effect: freed,
        }
    );
}

#[test]
fn deprovisioning_nobody_or_someone_already_out_changes_nothing() {
    assert!(matches!(
        plan_deprovision(DeprovisionMode::Deactivate, &empty_org()),
        DeprovisionPlan::NoChange { .. }
    ));
    let mut org = provisioned();
    org.user.as_mut().unwrap().is_active = false;
    assert!(matches!(
        plan_deprovision(DeprovisionMode::Deactivate, &org),
        DeprovisionPlan::NoChange { .. }
    ));
    org.login = Some(("060000000000001AAA".into(), true));
    assert!(matches!(
        plan_deprovision(DeprovisionMode::Freeze, &org),
        DeprovisionPlan::NoChange { .. }
    ));
}

#[test]
fn ids_compare_on_their_first_fifteen_characters() {
    assert!(same_id("001000000000001", "001000000000001AAA"));
    assert!(!same_id("001000000000001AAA", "001000000000002AAA"));
}

fn with_role(level: crate::domain::PortalRoleLevel) -> Provision {
    Provision {
        role: Some(level),
        ..intent()
    }
}

#[test]
fn a_new_partner_user_above_the_lowest_level_is_moved_to_the_accounts_role_of_that_level() {
    use crate::domain::PortalRoleLevel;
    let w = writes(plan_provision(
        &with_role(PortalRoleLevel::Manager),
        "pp:u-1",
        &empty_org(),
        &policy(),
    ));
    assert_eq!(
        w.role,
        Some(RoleWrite {
            account_id: ACCOUNT.into(),
            portal_type: "Partner",
            level: PortalRoleLevel::Manager,
        })
    );
    // The lowest level is what Salesforce gives a new user anyway.
    let w = writes(plan_provision(
        &with_role(PortalRoleLevel::User),
        "pp:u-1",
        &empty_org(),
        &policy(),
    ));
    assert_eq!(w.role, None);
}

#[test]
fn a_user_holding_another_level_changes_role_and_one_at_the_level_is_left_alone() {
    use crate::domain::PortalRoleLevel;
    let mut org = provisioned();
    if let Some(user) = org.user.as_mut() {
        user.portal_role = Some("Worker".into());
    }
    let w = writes(plan_provision(
        &with_role(PortalRoleLevel::Executive),
        "pp:u-1",
        &org,
        &policy(),
    ));
    assert!(matches!(w.user, UserWrite::Keep { .. }));
    assert_eq!(w.role.map(|r| r.level), Some(PortalRoleLevel::Executive));
    assert_eq!(
        plan_provision(&with_role(PortalRoleLevel::User), "pp:u-1", &org, &policy(),),
        ProvisionPlan::NoChange
    );
}

#[test]
fn customer_community_users_take_no_role_whatever_the_rule_asks() {
    use crate::domain::PortalRoleLevel;
    let mut org = empty_org();
    org.profile = Some(ObservedProfile {
        id: PROFILE.into(),
        name: "Customer Community User".into(),
        licence: "Customer Community".into(),
        licence_key: Some("PID_Customer_Community".into()),
    });
    let w = writes(plan_provision(
        &with_role(PortalRoleLevel::Manager),
        "pp:u-1",
        &org,
        &policy(),
    ));
    assert_eq!(w.role, None);
}

fn partner_roles(levels: &[&str]) -> Option<Vec<ObservedRole>> {
    Some(
        levels
            .iter()
            .map(|level| ObservedRole {
                portal_type: "Partner".into(),
                portal_role: (*level).into(),
            })
            .collect(),
    )
}

#[test]
fn a_level_the_accounts_roles_lack_is_refused_before_anything_is_written() {
    use crate::domain::PortalRoleLevel;
    let one_level = Observed {
        account_roles: partner_roles(&["Worker"]),
        ..empty_org()
    };
    let plan = plan_provision(
        &with_role(PortalRoleLevel::Manager),
        "pp:u-1",
        &one_level,
        &policy(),
    );
    assert_eq!(refused(plan), "PORTAL_ROLE_NOT_FOUND");
    // Roles not made yet (or only the shared one) say nothing: the write finds out.
    for roles in [partner_roles(&[]), partner_roles(&["PersonAccount"]), None] {
        let observed = Observed {
            account_roles: roles,
            ..empty_org()
        };
        let w = writes(plan_provision(
            &with_role(PortalRoleLevel::Manager),
            "pp:u-1",
            &observed,
            &policy(),
        ));
        assert!(w.role.is_some());
    }
}

#[test]
fn the_shared_person_account_role_counts_as_the_user_level() {
    use crate::domain::PortalRoleLevel;
    let mut observed = provisioned();
    if let Some(user) = &mut observed.user {
        user.portal_role = Some("PersonAccount".into());
    }
    let plan = plan_provision(
        &with_role(PortalRoleLevel::User),
        "pp:u-1",
        &observed,
        &policy(),
    );
    assert_eq!(plan, ProvisionPlan::NoChange);
}

#[test]
fn a_partner_profile_in_a_customer_only_org_is_refused_saying_so() {
    let customer_only = Observed {
        customer_only_org: true,
        ..empty_org()
    };
    let ProvisionPlan::Refuse(refusal) =
        plan_provision(&intent(), "pp:u-1", &customer_only, &policy())
    else {
        panic!("a partner profile cannot be met in a customer-only org");
    };
    assert_eq!(refusal.code, "ACCOUNT_NOT_ELIGIBLE");
    assert!(refusal.message.contains("no partner licence"));
}
