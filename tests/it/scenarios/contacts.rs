//! Finding the person's Contact: one already keyed (with a user), one adopted by email in the
//! same Account (never from another), a disabled user replaced, and a username that another org
//! holds.

use crate::on_both_stores;
use chrono::TimeDelta;
use gatehouse::domain::OutcomeKind;
use gatehouse::store::SubjectState;
use serde_json::{Value, json};

use super::signup::{account_id, profile_id};
use super::{Customer, Partner, Scenario, ada, assert_kind};
use crate::support::sim_org::same_id;

fn id(record: &Value) -> String {
    record["Id"].as_str().expect("id").to_owned()
}

on_both_stores! {
    async fn a_keyed_contact_of_the_default_org_with_its_user_is_reused_in_one_call() {
        let s = Scenario::start().await;
        let robin = Customer {
            number: 201,
            account: "C-200",
            first: "Robin".into(),
            last: "Existing".into(),
            email: "robin.existing@contoso.example".into(),
        };
        let (contact, user) = s.one_contact_one_user("K-201").await;
        let contacts = s.org.records("Contact").await.len();
        let users = s.org.records("User").await.len();

        let spent = s
            .send_and_settle(
                "customers",
                &robin.event(
                    "customer.signed_up",
                    s.now(),
                    json!({"profile": "Customer Community Plus User"}),
                ),
            )
            .await;

        let outcome = s.last_outcome("K-201").await;
        assert_kind(&outcome, OutcomeKind::NoChange);
        assert_eq!(outcome.api_calls, 1, "{outcome:#?}");
        assert_eq!(spent, 1);
        assert_eq!(s.org.records("Contact").await.len(), contacts);
        assert_eq!(s.org.records("User").await.len(), users);
        let record = s.subject("K-201").await;
        assert!(same_id(
            record.contact_id.as_deref().unwrap(),
            &id(&contact)
        ));
        assert!(same_id(record.user_id.as_deref().unwrap(), &id(&user)));
        assert_eq!(record.state, SubjectState::Provisioned);
    }
}

on_both_stores! {
    async fn a_contact_and_user_made_by_hand_are_found_by_the_key_and_not_duplicated() {
        let s = Scenario::start().await;
        let ada = ada();
        let contact = s
            .org
            .create(
                "Contact",
                json!({
                    "FirstName": ada.first, "LastName": ada.last, "Email": ada.email,
                    "AccountId": account_id(&s, "P-100").await, "Gatehouse_Key__c": ada.subject(),
                }),
            )
            .await;
        let user = s
            .org
            .create(
                "User",
                json!({
                    "Username": "ada.by.hand@partner.example.acme", "FirstName": ada.first,
                    "LastName": ada.last, "Email": ada.email, "Alias": "alovelac",
                    "CommunityNickname": "ada.by.hand", "TimeZoneSidKey": "GMT",
                    "LocaleSidKey": "en_US", "EmailEncodingKey": "UTF-8",
                    "LanguageLocaleKey": "en_US",
                    "ProfileId": profile_id(&s, "Partner Community User").await,
                    "ContactId": contact,
                }),
            )
            .await;

        let spent = s.sign_up(&ada).await;

        let outcome = s.last_outcome(&ada.subject()).await;
        assert_kind(&outcome, OutcomeKind::Succeeded);
        assert_eq!(
            outcome.steps,
            ["permission_set.assigned:Gatehouse_Portal_Access"],
            "only what the hand-made user lacked"
        );
        assert_eq!((outcome.api_calls, spent), (2, 2));
        let (found_contact, found_user) = s.one_contact_one_user(&ada.subject()).await;
        assert!(same_id(&id(&found_contact), &contact));
        assert!(same_id(&id(&found_user), &user));
        assert_eq!(
            found_user["Username"], "ada.by.hand@partner.example.acme",
            "a username once chosen is never changed"
        );
    }
}

on_both_stores! {
    async fn a_contact_with_the_same_email_in_the_same_account_is_adopted() {
        let s = Scenario::start().await;
        let ada = ada();
        let existing = s
            .org
            .create(
                "Contact",
                json!({
                    "FirstName": "Ada", "LastName": "Lovelace", "Email": ada.email,
                    "AccountId": account_id(&s, "P-100").await,
                }),
            )
            .await;
        let contacts = s.org.records("Contact").await.len();

        let spent = s.sign_up(&ada).await;

        let outcome = s.last_outcome(&ada.subject()).await;
        assert_kind(&outcome, OutcomeKind::Succeeded);
        assert!(
            outcome.steps.iter().any(|s| s == "contact.adopted"),
            "{outcome:#?}"
        );
        assert!(outcome.api_calls <= 3, "{outcome:#?}");
        assert_eq!(spent, u64::from(outcome.api_calls));
        let (contact, user) = s.one_contact_one_user(&ada.subject()).await;
        assert!(
            same_id(&id(&contact), &existing),
            "the existing Contact took the key"
        );
        assert_eq!(
            s.org.records("Contact").await.len(),
            contacts,
            "no new Contact"
        );
        assert_eq!(user["IsActive"], true);
    }
}

on_both_stores! {
    async fn a_contact_with_the_same_email_in_another_account_is_never_adopted() {
        let s = Scenario::start().await;
        let ada = ada();
        let elsewhere = s
            .org
            .create(
                "Contact",
                json!({
                    "FirstName": "Ada", "LastName": "Lovelace", "Email": ada.email,
                    "AccountId": account_id(&s, "C-200").await,
                }),
            )
            .await;

        s.sign_up(&ada).await;

        let outcome = s.last_outcome(&ada.subject()).await;
        assert_kind(&outcome, OutcomeKind::Succeeded);
        assert!(
            outcome.steps.iter().any(|s| s == "contact.created"),
            "{outcome:#?}"
        );
        let (contact, _) = s.one_contact_one_user(&ada.subject()).await;
        assert!(!same_id(&id(&contact), &elsewhere));
        assert!(same_id(
            contact["AccountId"].as_str().unwrap(),
            &account_id(&s, "P-100").await
        ));
        let untouched = s.org.record("Contact", &elsewhere).await.unwrap();
        assert_eq!(untouched["Gatehouse_Key__c"], Value::Null);
        assert!(s.users_of(&elsewhere).await.is_empty());
    }
}

on_both_stores! {
    async fn a_disabled_user_provisioned_again_gets_a_new_user_on_the_same_contact() {
        let (s, ada) = Scenario::with_ada().await;
        let (contact, first_user) = s.one_contact_one_user(&ada.subject()).await;

        s.advance(TimeDelta::hours(1));
        s.send_and_settle(
            "partner-portal",
            &ada.event("partner.user.banned", s.now(), json!({})),
        )
        .await;
        let banned = s.last_outcome(&ada.subject()).await;
        assert_kind(&banned, OutcomeKind::Succeeded);
        let disabled = s.org.record("User", &id(&first_user)).await.unwrap();
        assert_eq!(disabled["IsPortalEnabled"], false);
        assert_eq!(disabled["IsActive"], false);
        assert_eq!(disabled["ContactId"], Value::Null, "unlinked for good");
        assert!(s.users_of(&id(&contact)).await.is_empty());
        assert_eq!(
            s.subject(&ada.subject()).await.state,
            SubjectState::Disabled
        );

        s.advance(TimeDelta::hours(1));
        let spent = s.sign_up(&ada).await;

        let outcome = s.last_outcome(&ada.subject()).await;
        assert_kind(&outcome, OutcomeKind::Succeeded);
        assert!(
            outcome.steps.iter().any(|s| s == "user.created"),
            "{outcome:#?}"
        );
        assert_eq!(spent, u64::from(outcome.api_calls));
        let (same_contact, new_user) = s.one_contact_one_user(&ada.subject()).await;
        assert!(same_id(&id(&same_contact), &id(&contact)));
        assert!(!same_id(&id(&new_user), &id(&first_user)));
        assert_eq!(new_user["IsActive"], true);
        let record = s.subject(&ada.subject()).await;
        assert!(same_id(record.user_id.as_deref().unwrap(), &id(&new_user)));
        assert_eq!(record.state, SubjectState::Provisioned);
        assert_eq!(
            record.username.as_deref(),
            new_user["Username"].as_str(),
            "the lifecycle record names the new user's username"
        );
    }
}

on_both_stores! {
    async fn a_username_taken_in_another_org_moves_to_the_next_candidate() {
        let s = Scenario::start().await;
        let grace = Partner::new(
            "u-2",
            "P-100",
            "Grace",
            "Hopper",
            "grace.hopper@partner.example",
        );
        s.org
            .settings(json!({"taken_usernames": ["grace.hopper@partner.example.acme"]}))
            .await;

        let spent = s
            .send_and_settle("partner-portal", &grace.signed_up(s.now(), json!({})))
            .await;

        let outcome = s.last_outcome(&grace.subject()).await;
        assert_kind(&outcome, OutcomeKind::Succeeded);
        assert_eq!(spent, u64::from(outcome.api_calls));
        let (_, user) = s.one_contact_one_user(&grace.subject()).await;
        assert_eq!(user["Username"], "grace.hopper2@partner.example.acme");
        assert_eq!(
            s.subject(&grace.subject()).await.username.as_deref(),
            Some("grace.hopper2@partner.example.acme")
        );
    }
}
