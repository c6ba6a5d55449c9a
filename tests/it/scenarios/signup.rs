//! Signing people up: partners and customers, redeliveries, and later changes of profile.

use crate::on_both_stores;
use chrono::TimeDelta;
use gatehouse::domain::{LicenceEffect, OutcomeKind};
use gatehouse::store::{SubjectState, WelcomeEmailState};
use serde_json::{Value, json};

use super::{Customer, Partner, Scenario, ada, assert_kind};
use crate::support::sim_org::same_id;

/// The id of the Account whose key is `key`.
pub async fn account_id(s: &Scenario, key: &str) -> String {
    s.org
        .records_where("Account", "Gatehouse_Key__c", key)
        .await
        .first()
        .and_then(|a| a["Id"].as_str().map(str::to_owned))
        .unwrap_or_else(|| panic!("no Account {key}"))
}

/// The id of the profile named `name`.
pub async fn profile_id(s: &Scenario, name: &str) -> String {
    s.org
        .records_where("Profile", "Name", name)
        .await
        .first()
        .and_then(|p| p["Id"].as_str().map(str::to_owned))
        .unwrap_or_else(|| panic!("no profile {name}"))
}

fn text(record: &Value, field: &str) -> String {
    record[field].as_str().unwrap_or_default().to_owned()
}

on_both_stores! {
    async fn a_partner_signup_makes_one_contact_and_one_active_partner_user_in_two_calls() {
        let s = Scenario::start().await;
        let ada = ada();
        let licence_before = s.org.licence("Partner Community").await;

        let spent = s.sign_up(&ada).await;

        let outcome = s.last_outcome(&ada.subject()).await;
        assert_kind(&outcome, OutcomeKind::Succeeded);
        assert!(
            outcome.api_calls <= 2,
            "a new user in at most 2 calls (the read, then one write): {outcome:#?}"
        );
        assert_eq!(
            spent,
            u64::from(outcome.api_calls),
            "the org counted what the outcome says"
        );
        assert_eq!(
            outcome.licence_effect,
            LicenceEffect::Consumed {
                licence: "Partner Community".into()
            }
        );
        for step in [
            "contact.created",
            "user.created",
            "permission_set.assigned:Gatehouse_Portal_Access",
            "user.verified",
            "welcome_email.by_site",
        ] {
            assert!(
                outcome.steps.iter().any(|s| s == step),
                "{step}: {outcome:#?}"
            );
        }

        let (contact, user) = s.one_contact_one_user(&ada.subject()).await;
        assert_partner_contact_and_user(&s, &ada, &contact, &user).await;
        assert_only_portal_access_assigned(&s, &user).await;
        let licence = s.org.licence("Partner Community").await;
        assert_eq!(licence.used, licence_before.used + 1);
        assert_eq!(s.org.emails_about("welcome", &text(&user, "Id")).await, 1);
        assert_provisioned_record(&s, &ada, &contact, &user).await;
    }
}

/// The Contact is on the partner's Account with the person's details; the User is active,
/// named by the rule's username, on the partner profile, and not frozen.
async fn assert_partner_contact_and_user(
    s: &Scenario,
    ada: &Partner,
    contact: &Value,
    user: &Value,
) {
    assert!(same_id(
        &text(contact, "AccountId"),
        &account_id(s, "P-100").await
    ));
    assert_eq!(text(contact, "Email"), ada.email);
    assert_eq!(text(contact, "LastName"), ada.last);
    assert_eq!(user["IsActive"], true);
    assert_eq!(text(user, "Username"), "ada.lovelace@partner.example.acme");
    assert!(same_id(
        &text(user, "ProfileId"),
        &profile_id(s, "Partner Community User").await
    ));
    assert_eq!(s.login_of(&text(user, "Id")).await["IsFrozen"], false);
}

/// The user holds exactly one permission set assignment besides its profile's own set (which
/// Salesforce lists in PermissionSetAssignment too): Gatehouse_Portal_Access.
async fn assert_only_portal_access_assigned(s: &Scenario, user: &Value) {
    let portal_access = s
        .org
        .records_where("PermissionSet", "Name", "Gatehouse_Portal_Access")
        .await;
    let assigned = s.org.assignments_beyond_profile(&text(user, "Id")).await;
    assert_eq!(assigned.len(), 1, "{assigned:#?}");
    assert!(same_id(
        &text(&assigned[0], "PermissionSetId"),
        &text(&portal_access[0], "Id")
    ));
}

/// The lifecycle record names the Contact and User, the licence, the site's welcome email and
/// the rule's purpose.
async fn assert_provisioned_record(s: &Scenario, ada: &Partner, contact: &Value, user: &Value) {
    let record = s.subject(&ada.subject()).await;
    assert_eq!(record.state, SubjectState::Provisioned);
    assert_eq!(
        record.username.as_deref(),
        Some("ada.lovelace@partner.example.acme")
    );
    assert!(same_id(
        record.user_id.as_deref().unwrap(),
        &text(user, "Id")
    ));
    assert!(same_id(
        record.contact_id.as_deref().unwrap(),
        &text(contact, "Id")
    ));
    assert_eq!(record.licence.as_deref(), Some("Partner Community"));
    assert_eq!(record.welcome_email, Some(WelcomeEmailState::BySite));
    assert_eq!(
        record.purpose.as_deref(),
        Some("partner portal user of partner P-100")
    );
}

on_both_stores! {
    async fn a_customer_signup_makes_a_customer_community_user_without_a_role() {
        let s = Scenario::start().await;
        let customer = Customer::numbered(501);
        let licence_before = s.org.licence("Customer Community").await;

        let spent = s
            .send_and_settle(
                "customers",
                &customer.event("customer.signed_up", s.now(), json!({})),
            )
            .await;

        let outcome = s.last_outcome(&customer.subject()).await;
        assert_kind(&outcome, OutcomeKind::Succeeded);
        assert!(outcome.api_calls <= 3, "{outcome:#?}");
        assert_eq!(spent, u64::from(outcome.api_calls));
        let (contact, user) = s.one_contact_one_user(&customer.subject()).await;
        assert!(same_id(
            &text(&contact, "AccountId"),
            &account_id(&s, "C-200").await
        ));
        assert_eq!(user["IsActive"], true);
        assert_eq!(
            user["UserRoleId"],
            Value::Null,
            "Customer Community users take no role"
        );
        assert_eq!(text(&user, "Username"), "customer501@contoso.example.cust");
        assert!(same_id(
            &text(&user, "ProfileId"),
            &profile_id(&s, "Customer Community User").await
        ));
        assert_eq!(
            s.org.licence("Customer Community").await.used,
            licence_before.used + 1
        );
        let account = s
            .org
            .record("Account", &text(&contact, "AccountId"))
            .await
            .unwrap();
        assert_eq!(account["IsCustomerPortal"], true);
        assert_eq!(
            s.subject(&customer.subject()).await.welcome_email,
            Some(WelcomeEmailState::NotWanted)
        );
    }
}

on_both_stores! {
    async fn a_redelivered_webhook_makes_no_new_work_and_spends_no_calls() {
        let s = Scenario::start().await;
        let ada = ada();
        let signup = ada.signed_up(s.now(), json!({}));
        let first = s.send_as("partner-portal", "msg_signup", &signup).await;
        assert_eq!(first.status, 202);
        s.settle().await;
        let calls = s.org.api_calls().await;

        let again = s.send_as("partner-portal", "msg_signup", &signup).await;
        assert_eq!(
            again.status, 200,
            "a duplicate is answered with the first receipt"
        );
        assert_eq!(again.body["event_id"], first.body["event_id"]);
        s.settle().await;

        assert_eq!(s.commands(&ada.subject()).await.len(), 1, "no new command");
        assert_eq!(s.org.api_calls().await, calls, "no call spent");
        s.one_contact_one_user(&ada.subject()).await;
    }
}

on_both_stores! {
    async fn the_same_signup_sent_again_as_a_new_event_ends_no_change_in_one_call() {
        let (s, ada) = Scenario::with_ada().await;
        let licence = s.org.licence("Partner Community").await;
        let emails = s.org.emails().await.len();

        s.advance(TimeDelta::seconds(30));
        let spent = s.sign_up(&ada).await;

        let outcome = s.last_outcome(&ada.subject()).await;
        assert_kind(&outcome, OutcomeKind::NoChange);
        assert_eq!(
            outcome.api_calls, 1,
            "a no-change provision is one read: {outcome:#?}"
        );
        assert_eq!(spent, 1);
        assert_eq!(outcome.licence_effect, LicenceEffect::Unchanged);
        s.one_contact_one_user(&ada.subject()).await;
        assert_eq!(s.org.licence("Partner Community").await, licence);
        assert_eq!(
            s.org.emails().await.len(),
            emails,
            "no second welcome email"
        );
    }
}

on_both_stores! {
    async fn a_later_event_with_another_profile_of_the_same_licence_changes_the_profile() {
        let (s, ada) = Scenario::with_ada().await;
        let licence = s.org.licence("Partner Community").await;

        s.advance(TimeDelta::minutes(5));
        let spent = s
            .send_and_settle(
                "partner-portal",
                &ada.signed_up(s.now(), json!({"profile": "Acme Partner Community User"})),
            )
            .await;

        let outcome = s.last_outcome(&ada.subject()).await;
        assert_kind(&outcome, OutcomeKind::Succeeded);
        assert!(
            outcome.steps.iter().any(|s| s == "user.profile_changed"),
            "{outcome:#?}"
        );
        assert_eq!(outcome.api_calls, 2, "a read and one write: {outcome:#?}");
        assert_eq!(spent, 2);
        assert_eq!(outcome.licence_effect, LicenceEffect::Unchanged);
        let (_, user) = s.one_contact_one_user(&ada.subject()).await;
        assert!(same_id(
            &text(&user, "ProfileId"),
            &profile_id(&s, "Acme Partner Community User").await
        ));
        assert_eq!(user["IsActive"], true);
        assert_eq!(
            s.org.licence("Partner Community").await,
            licence,
            "the same licence: counts unchanged"
        );
    }
}
