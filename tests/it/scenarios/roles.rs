//! Portal role levels: partner and Customer Community Plus users take their Account's portal
//! role of the level the rule names; Customer Community users take none.

use crate::on_both_stores;
use chrono::TimeDelta;
use gatehouse::domain::OutcomeKind;
use serde_json::{Value, json};

use super::signup::account_id;
use super::{Customer, Scenario, ada, assert_kind};
use crate::support::sim_org::same_id;

/// The role a user holds, as the org has it.
async fn role_of(s: &Scenario, user: &Value) -> Value {
    let role_id = user["UserRoleId"].as_str().expect("the user holds a role");
    s.org
        .record("UserRole", role_id)
        .await
        .expect("the role exists")
}

on_both_stores! {
    async fn a_partner_user_signed_up_as_manager_holds_the_accounts_partner_manager_role() {
        let s = Scenario::start().await;
        let ada = ada();

        let spent = s
            .send_and_settle(
                "partner-portal",
                &ada.signed_up(s.now(), json!({"role": "manager"})),
            )
            .await;

        let outcome = s.last_outcome(&ada.subject()).await;
        assert_kind(&outcome, OutcomeKind::Succeeded);
        assert!(
            outcome.steps.iter().any(|s| s == "user.role_set:manager"),
            "{outcome:#?}"
        );
        assert!(outcome.api_calls <= 3, "the role rides along: {outcome:#?}");
        assert_eq!(spent, u64::from(outcome.api_calls));
        let (_, user) = s.one_contact_one_user(&ada.subject()).await;
        let role = role_of(&s, &user).await;
        assert_eq!(role["Name"], "Northwind Partners Partner Manager");
        assert_eq!(role["PortalRole"], "Manager");
        assert_eq!(role["PortalType"], "Partner");
        assert!(same_id(
            role["PortalAccountId"].as_str().unwrap(),
            &account_id(&s, "P-100").await
        ));
    }
}

on_both_stores! {
    async fn a_later_event_with_another_level_moves_the_user_and_the_same_level_changes_nothing() {
        let s = Scenario::start().await;
        let ada = ada();
        s.send_and_settle(
            "partner-portal",
            &ada.signed_up(s.now(), json!({"role": "user"})),
        )
        .await;
        let (_, user) = s.one_contact_one_user(&ada.subject()).await;
        assert_eq!(
            role_of(&s, &user).await["Name"],
            "Northwind Partners Partner User"
        );

        s.advance(TimeDelta::minutes(5));
        let spent = s
            .send_and_settle(
                "partner-portal",
                &ada.signed_up(s.now(), json!({"role": "executive"})),
            )
            .await;
        let outcome = s.last_outcome(&ada.subject()).await;
        assert_kind(&outcome, OutcomeKind::Succeeded);
        assert_eq!(outcome.api_calls, 2, "a read and one write: {outcome:#?}");
        assert_eq!(spent, 2);
        let (_, user) = s.one_contact_one_user(&ada.subject()).await;
        assert_eq!(
            role_of(&s, &user).await["Name"],
            "Northwind Partners Partner Executive"
        );

        s.advance(TimeDelta::minutes(5));
        let spent = s
            .send_and_settle(
                "partner-portal",
                &ada.signed_up(s.now(), json!({"role": "executive"})),
            )
            .await;
        assert_kind(&s.last_outcome(&ada.subject()).await, OutcomeKind::NoChange);
        assert_eq!(spent, 1);
    }
}

on_both_stores! {
    async fn a_customer_community_plus_user_takes_the_customer_portal_role_of_the_level() {
        let s = Scenario::start().await;
        let customer = Customer::numbered(777);
        let licence = s.org.licence("Customer Community Plus").await;

        let spent = s
            .send_and_settle(
                "customers",
                &customer.event(
                    "customer.signed_up",
                    s.now(),
                    json!({"profile": "Customer Community Plus User", "role": "manager"}),
                ),
            )
            .await;

        let outcome = s.last_outcome(&customer.subject()).await;
        assert_kind(&outcome, OutcomeKind::Succeeded);
        assert!(outcome.api_calls <= 3, "{outcome:#?}");
        assert_eq!(spent, u64::from(outcome.api_calls));
        assert_eq!(
            s.org.licence("Customer Community Plus").await.used,
            licence.used + 1
        );
        let (_, user) = s.one_contact_one_user(&customer.subject()).await;
        let role = role_of(&s, &user).await;
        assert_eq!(role["Name"], "Contoso Customers Customer Manager");
        assert_eq!(role["PortalType"], "CustomerPortal");
    }
}

on_both_stores! {
    async fn a_customer_community_user_takes_no_role_even_when_the_event_names_one() {
        let s = Scenario::start().await;
        let customer = Customer::numbered(778);

        let spent = s
            .send_and_settle(
                "customers",
                &customer.event("customer.signed_up", s.now(), json!({"role": "executive"})),
            )
            .await;

        let outcome = s.last_outcome(&customer.subject()).await;
        assert_kind(&outcome, OutcomeKind::Succeeded);
        assert!(outcome.api_calls <= 3, "{outcome:#?}");
        assert_eq!(spent, u64::from(outcome.api_calls));
        assert_eq!(s.org.licence("Customer Community").await.used, 1);
        assert!(!outcome.steps.iter().any(|s| s.starts_with("user.role_set")));
        let (_, user) = s.one_contact_one_user(&customer.subject()).await;
        assert_eq!(user["UserRoleId"], Value::Null);
    }
}
