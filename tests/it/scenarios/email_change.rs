//! An email change that Salesforce holds until the person confirms it: asked for once, never
//! again while it waits, so the person is not mailed on every run.

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

#[tokio::test]
async fn an_email_change_held_for_confirmation_is_asked_once_and_not_again_on_a_rerun() {
    let (s, ada) = Scenario::with_ada().await;
    s.org
        .settings(json!({"email_change_needs_confirmation": true}))
        .await;
    let moved = moved(&ada);

    s.advance(TimeDelta::hours(1));
    s.send_and_settle("partner-portal", &moved.signed_up(s.now(), json!({})))
        .await;
    let asked = s.last_outcome(&ada.subject()).await;
    assert_kind(&asked, OutcomeKind::Succeeded);
    assert!(
        asked
            .steps
            .iter()
            .any(|s| s == "user.email_change_requested"),
        "{asked:#?}"
    );
    let (contact, user) = s.one_contact_one_user(&ada.subject()).await;
    assert_eq!(contact["Email"], moved.email, "the Contact changes at once");
    assert_eq!(
        user["Email"], ada.email,
        "the User keeps the old address until confirmed"
    );
    let sent = verifications(&s).await;
    assert_eq!(sent.len(), 1, "{sent:#?}");
    assert_eq!(sent[0]["to"], moved.email);

    // The portal sends the same details again (a later event): nothing new is asked.
    s.advance(TimeDelta::hours(1));
    let spent = s
        .send_and_settle("partner-portal", &moved.signed_up(s.now(), json!({})))
        .await;
    let rerun = s.last_outcome(&ada.subject()).await;
    assert_kind(&rerun, OutcomeKind::NoChange);
    assert_eq!(rerun.api_calls, 1, "{rerun:#?}");
    assert_eq!(spent, 1);
    assert_eq!(
        verifications(&s).await.len(),
        1,
        "no second verification email"
    );
    let (_, user) = s.one_contact_one_user(&ada.subject()).await;
    assert_eq!(user["Email"], ada.email);
}

#[tokio::test]
async fn an_email_change_to_yet_another_address_is_asked_for_again() {
    let (s, ada) = Scenario::with_ada().await;
    s.org
        .settings(json!({"email_change_needs_confirmation": true}))
        .await;

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
    assert_eq!(user["Email"], ada.email, "still waiting for a confirmation");
    let sent = verifications(&s).await;
    assert_eq!(sent.len(), 2, "{sent:#?}");
    assert_eq!(sent[1]["to"], again.email);
}
