//! An email change of an external user: Salesforce applies it at once, asks the person for no
//! confirmation and marks the address unverified (Help 005103627). Gatehouse writes it once,
//! says so on the outcome, and writes it again whenever the user shows another address.

use crate::on_both_stores;
use chrono::TimeDelta;
use gatehouse::domain::OutcomeKind;
use serde_json::{Value, json};

use super::{Partner, Scenario, assert_kind};

fn moved(ada: &Partner) -> Partner {
    Partner {
        email: "ada@analytical-engines.example".into(),
        ..ada.clone()
    }
}

async fn verifications(s: &Scenario) -> Vec<Value> {
    s.org
        .emails()
        .await
        .into_iter()
        .filter(|e| e["kind"] == "email_change_verification")
        .collect()
}

on_both_stores! {
    async fn an_email_change_applies_at_once_unverified_and_is_not_written_again_on_a_rerun() {
        let (s, ada) = Scenario::with_ada().await;
        // Even where an internal user's change would wait for confirmation, an external user's
        // does not.
        s.org
            .settings(json!({"email_change_needs_confirmation": true}))
            .await;
        let moved = moved(&ada);

        s.advance(TimeDelta::hours(1));
        s.send_and_settle("partner-portal", &moved.signed_up(s.now(), json!({})))
            .await;
        let changed = s.last_outcome(&ada.subject()).await;
        assert_kind(&changed, OutcomeKind::Succeeded);
        for step in ["user.email_changed", "user.email_unverified"] {
            assert!(changed.steps.iter().any(|s| s == step), "{changed:#?}");
        }
        let (contact, user) = s.one_contact_one_user(&ada.subject()).await;
        assert_eq!(contact["Email"], moved.email);
        assert_eq!(user["Email"], moved.email, "the User changes at once");
        assert_eq!(user["HasUserVerifiedEmail"], false);
        assert_eq!(verifications(&s).await, Vec::<Value>::new());
        assert_eq!(
            s.subject(&ada.subject()).await.pending_email.as_deref(),
            Some(moved.email.as_str())
        );

        // The portal sends the same details again (a later event): nothing is left to write.
        s.advance(TimeDelta::hours(1));
        let spent = s
            .send_and_settle("partner-portal", &moved.signed_up(s.now(), json!({})))
            .await;
        let rerun = s.last_outcome(&ada.subject()).await;
        assert_kind(&rerun, OutcomeKind::NoChange);
        assert_eq!(rerun.api_calls, 1, "{rerun:#?}");
        assert_eq!(spent, 1);
    }
}

on_both_stores! {
    async fn an_email_change_to_yet_another_address_is_applied_too() {
        let (s, ada) = Scenario::with_ada().await;

        s.advance(TimeDelta::hours(1));
        s.send_and_settle("partner-portal", &moved(&ada).signed_up(s.now(), json!({})))
            .await;
        s.advance(TimeDelta::hours(1));
        let again = Partner {
            email: "ada@difference-engines.example".into(),
            ..ada.clone()
        };
        let spent = s
            .send_and_settle("partner-portal", &again.signed_up(s.now(), json!({})))
            .await;

        let outcome = s.last_outcome(&ada.subject()).await;
        assert_kind(&outcome, OutcomeKind::Succeeded);
        assert_eq!((outcome.api_calls, spent), (2, 2), "a read and the change");
        let (contact, user) = s.one_contact_one_user(&ada.subject()).await;
        assert_eq!(contact["Email"], again.email);
        assert_eq!(user["Email"], again.email);
        assert_eq!(verifications(&s).await, Vec::<Value>::new());
    }
}

on_both_stores! {
    async fn an_address_set_back_by_hand_is_changed_again_by_the_next_event() {
        let (s, ada) = Scenario::with_ada().await;
        let moved = moved(&ada);
        s.advance(TimeDelta::hours(1));
        s.send_and_settle("partner-portal", &moved.signed_up(s.now(), json!({})))
            .await;
        let (_, user) = s.one_contact_one_user(&ada.subject()).await;
        let user_id = user["Id"].as_str().unwrap().to_owned();
        s.org
            .update("User", &user_id, json!({"Email": ada.email}))
            .await;

        s.advance(TimeDelta::hours(1));
        s.send_and_settle("partner-portal", &moved.signed_up(s.now(), json!({})))
            .await;

        let outcome = s.last_outcome(&ada.subject()).await;
        assert_kind(&outcome, OutcomeKind::Succeeded);
        let (_, user) = s.one_contact_one_user(&ada.subject()).await;
        assert_eq!(user["Email"], moved.email, "{outcome:#?}");
    }
}
