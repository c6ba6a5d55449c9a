//! `UserLogin` needs Manage Users, which only the freeze permission set grants: it is read only
//! to freeze, or to lift a freeze the lifecycle record says Gatehouse made.

use crate::on_both_stores;
use chrono::TimeDelta;
use gatehouse::domain::OutcomeKind;
use gatehouse::store::SubjectState;
use serde_json::json;

use super::{Customer, Scenario, ada, assert_kind};

on_both_stores! {
    async fn a_new_user_and_a_deactivation_never_touch_user_login() {
        let s = Scenario::start().await;
        s.org.log_request_bodies().await;
        let ada = ada();

        s.sign_up(&ada).await;
        assert_kind(
            &s.last_outcome(&ada.subject()).await,
            OutcomeKind::Succeeded,
        );
        // Robin already has a user in the default org that Gatehouse never provisioned: closing
        // the account reads the org before deactivating.
        let robin = Customer {
            number: 201,
            account: "C-200",
            first: "Robin".into(),
            last: "Existing".into(),
            email: "robin.existing@contoso.example".into(),
        };
        s.send_and_settle(
            "customers",
            &robin.event("customer.closed", s.now(), json!({})),
        )
        .await;
        assert_kind(
            &s.last_outcome(&robin.subject()).await,
            OutcomeKind::Succeeded,
        );
        s.an_hour_later(&ada, "partner.user.removed").await;
        assert_kind(
            &s.last_outcome(&ada.subject()).await,
            OutcomeKind::Succeeded,
        );

        assert_eq!(
            s.org.requests_mentioning("UserLogin").await,
            Vec::<String>::new()
        );
    }
}

on_both_stores! {
    async fn a_freeze_reads_the_login_and_the_next_signup_lifts_it() {
        let (s, ada) = Scenario::with_ada().await;
        s.org.log_request_bodies().await;

        s.an_hour_later(&ada, "partner.user.suspended").await;
        assert_eq!(s.subject(&ada.subject()).await.state, SubjectState::Frozen);
        assert!(!s.org.requests_mentioning("UserLogin").await.is_empty());

        s.an_hour_later(&ada, "partner.user.signed_up").await;
        let back = s.last_outcome(&ada.subject()).await;
        assert!(back.steps.iter().any(|s| s == "user.unfrozen"), "{back:#?}");
        let (_, user) = s.one_contact_one_user(&ada.subject()).await;
        assert_eq!(
            s.login_of(user["Id"].as_str().unwrap()).await["IsFrozen"],
            false
        );
    }
}

on_both_stores! {
    async fn a_freeze_by_hand_in_setup_is_left_alone_by_a_signup() {
        let (s, ada) = Scenario::with_ada().await;
        let (_, user) = s.one_contact_one_user(&ada.subject()).await;
        let user_id = user["Id"].as_str().unwrap().to_owned();
        let login = s.login_of(&user_id).await["Id"]
            .as_str()
            .unwrap()
            .to_owned();
        s.org
            .update("UserLogin", &login, json!({"IsFrozen": true}))
            .await;

        s.an_hour_later(&ada, "partner.user.renewed").await;

        assert_eq!(s.login_of(&user_id).await["IsFrozen"], true);
    }
}

on_both_stores! {
    async fn a_signup_after_freeze_then_deactivate_reactivates_and_unfreezes() {
        let (s, ada) = Scenario::with_ada().await;
        s.an_hour_later(&ada, "partner.user.offboarded").await;
        let due = s
            .commands(&ada.subject())
            .await
            .into_iter()
            .find(|c| c.outcome.is_none())
            .map(|c| c.due_at)
            .expect("the deactivation waits out the grace period");
        s.app.clock.set(due);
        s.settle().await;
        assert_eq!(
            s.subject(&ada.subject()).await.state,
            SubjectState::Deactivated
        );

        s.advance(TimeDelta::days(1));
        s.sign_up(&ada).await;

        let back = s.last_outcome(&ada.subject()).await;
        assert_kind(&back, OutcomeKind::Succeeded);
        let (_, user) = s.one_contact_one_user(&ada.subject()).await;
        assert_eq!(user["IsActive"], true);
        assert_eq!(
            s.login_of(user["Id"].as_str().unwrap()).await["IsFrozen"],
            false,
            "{back:#?}"
        );
    }
}
