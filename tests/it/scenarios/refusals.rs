//! What the org cannot take: dead letters keep the reason, and nothing is left half-done.

use crate::on_both_stores;
use gatehouse::domain::OutcomeKind;
use serde_json::json;

use super::{Customer, Partner, Scenario, ada, assert_kind};

on_both_stores! {
    async fn an_account_whose_owner_has_no_role_is_dead_lettered_with_the_reason() {
        let s = Scenario::start().await;
        let mut customer = Customer::numbered(301);
        customer.account = "N-300";
        let contacts_before = s.org.records("Contact").await.len();

        let spent = s
            .send_and_settle(
                "customers",
                &customer.event("customer.signed_up", s.now(), json!({})),
            )
            .await;

        let outcome = s.last_outcome(&customer.subject()).await;
        assert_kind(&outcome, OutcomeKind::DeadLettered);
        let refusal = outcome.refusal.as_ref().expect("the reason is kept");
        assert_eq!(refusal.code, "ACCOUNT_NOT_ELIGIBLE");
        assert!(refusal.message.contains("holds no role"), "{refusal:?}");
        assert!(
            refusal.message.contains("Fabrikam Without Role"),
            "{refusal:?}"
        );
        assert_eq!(
            outcome.api_calls, 1,
            "refused after the read, before any write"
        );
        assert_eq!(spent, 1);
        assert_eq!(
            s.org.records("Contact").await.len(),
            contacts_before,
            "no Contact left behind"
        );
        assert!(s.keyed_contacts(&customer.subject()).await.is_empty());
    }
}

on_both_stores! {
    async fn a_partner_profile_on_an_account_that_is_no_partner_is_dead_lettered() {
        let s = Scenario::start().await;
        let grace = Partner::new(
            "u-9",
            "C-200",
            "Grace",
            "Hopper",
            "grace.hopper@contoso.example",
        );

        let licence = s.org.licence("Partner Community").await;
        let spent = s
            .send_and_settle("partner-portal", &grace.signed_up(s.now(), json!({})))
            .await;

        let outcome = s.last_outcome(&grace.subject()).await;
        assert_kind(&outcome, OutcomeKind::DeadLettered);
        assert_eq!((outcome.api_calls, spent), (1, 1));
        assert_eq!(s.org.licence("Partner Community").await, licence);
        let refusal = outcome.refusal.as_ref().unwrap();
        assert_eq!(refusal.code, "ACCOUNT_NOT_ELIGIBLE");
        assert!(
            refusal.message.contains("not enabled as a partner"),
            "{refusal:?}"
        );
        assert!(s.keyed_contacts(&grace.subject()).await.is_empty());
    }
}

on_both_stores! {
    async fn an_unknown_account_key_is_dead_lettered_without_writing() {
        let s = Scenario::start().await;
        let mut customer = Customer::numbered(302);
        customer.account = "X-404";

        let spent = s
            .send_and_settle(
                "customers",
                &customer.event("customer.signed_up", s.now(), json!({})),
            )
            .await;

        let outcome = s.last_outcome(&customer.subject()).await;
        assert_kind(&outcome, OutcomeKind::DeadLettered);
        assert_eq!(outcome.refusal.as_ref().unwrap().code, "ACCOUNT_NOT_FOUND");
        assert_eq!((outcome.api_calls, spent), (1, 1));
        assert!(s.keyed_contacts(&customer.subject()).await.is_empty());
    }
}

/// The admin takes `Gatehouse_Integration_Freeze` away from the integration user, leaving it
/// `Gatehouse_Integration` alone: what an org whose rules never freeze is told to assign.
async fn without_the_freeze_set(s: &Scenario) {
    let integration = s
        .org
        .records_where("User", "Username", "integration@gatehouse.sfsim")
        .await;
    let freeze_set = s
        .org
        .records_where("PermissionSet", "Name", "Gatehouse_Integration_Freeze")
        .await;
    let assignment = s
        .org
        .records("PermissionSetAssignment")
        .await
        .into_iter()
        .find(|a| {
            a["AssigneeId"] == integration[0]["Id"] && a["PermissionSetId"] == freeze_set[0]["Id"]
        })
        .expect("the integration user holds the freeze set");
    s.org
        .delete(
            "PermissionSetAssignment",
            assignment["Id"].as_str().expect("id"),
        )
        .await;
}

on_both_stores! {
    async fn without_the_freeze_set_people_are_provisioned_and_deactivated() {
        let s = Scenario::start().await;
        without_the_freeze_set(&s).await;
        let ada = ada();

        s.sign_up(&ada).await;
        assert_kind(
            &s.last_outcome(&ada.subject()).await,
            OutcomeKind::Succeeded,
        );
        s.an_hour_later(&ada, "partner.user.removed").await;

        // Neither read nor wrote UserLogin, which this user may no longer touch.
        assert_kind(
            &s.last_outcome(&ada.subject()).await,
            OutcomeKind::Succeeded,
        );
        let (_, user) = s.one_contact_one_user(&ada.subject()).await;
        assert_eq!(user["IsActive"], false);
    }
}

on_both_stores! {
    async fn freezing_without_the_freeze_set_is_dead_lettered_with_salesforces_refusal() {
        let (s, ada) = Scenario::with_ada().await;
        without_the_freeze_set(&s).await;

        s.an_hour_later(&ada, "partner.user.suspended").await;

        let outcome = s.last_outcome(&ada.subject()).await;
        assert_kind(&outcome, OutcomeKind::DeadLettered);
        let refusal = outcome.refusal.as_ref().expect("the reason is kept");
        assert_eq!(refusal.code, "INVALID_TYPE", "{refusal:?}");
        assert!(
            refusal
                .message
                .contains("sObject type 'UserLogin' is not supported"),
            "{refusal:?}"
        );
    }
}
