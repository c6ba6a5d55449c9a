//! An org that misbehaves: sessions that end mid-run, storms of 503s and row locks. Retries
//! become due by moving the service's clock; nothing waits for real time to pass.

use crate::on_both_stores;
use chrono::TimeDelta;
use gatehouse::domain::OutcomeKind;
use gatehouse::store::{CommandRecord, CommandState, WelcomeEmailState};
use serde_json::json;

use super::{Scenario, Setup, ada, assert_kind};
use crate::support::settle::kind_of;

on_both_stores! {
    async fn a_session_revoked_between_commands_is_renewed_once_and_the_command_succeeds() {
        let (s, ada) = Scenario::with_ada().await;
        let tokens = s.org.token_requests().await;
        let allowance = s.org.allowance_used().await;
        assert!(
            s.org.revoke_tokens().await >= 1,
            "the service's session is revoked"
        );

        s.advance(TimeDelta::hours(1));
        let spent = s
            .send_and_settle(
                "partner-portal",
                &ada.event("partner.user.removed", s.now(), json!({})),
            )
            .await;

        let outcome = s.last_outcome(&ada.subject()).await;
        assert_kind(&outcome, OutcomeKind::Succeeded);
        assert_eq!(s.org.token_requests().await, tokens + 1, "one new token");
        // The refused call reached the org and is counted on the outcome; Salesforce does not
        // charge it to the daily allowance.
        assert_eq!(outcome.api_calls, 2, "{outcome:#?}");
        assert_eq!(spent, 2);
        assert_eq!(s.org.allowance_used().await, allowance + 1);
        let (_, user) = s.one_contact_one_user(&ada.subject()).await;
        assert_eq!(user["IsActive"], false);
        let attempts = s.commands(&ada.subject()).await.pop().unwrap().attempts;
        assert_eq!(attempts, 1, "renewed within the attempt, not retried");
    }
}

on_both_stores! {
    async fn a_session_ending_in_the_middle_of_a_provision_is_renewed_once() {
        let s = Scenario::start().await;
        let ada = ada();
        let tokens = s.org.token_requests().await;
        // The read goes through; the write composite meets an ended session.
        s.org
            .script(json!({"method": "POST", "path": "/composite", "skip": 1,
                           "errorCode": "INVALID_SESSION_ID"}))
            .await;

        let spent = s.sign_up(&ada).await;

        let outcome = s.last_outcome(&ada.subject()).await;
        assert_kind(&outcome, OutcomeKind::Succeeded);
        assert_eq!(s.org.token_requests().await, tokens + 1);
        assert_eq!(
            outcome.api_calls, 3,
            "2 calls and the refused one: {outcome:#?}"
        );
        assert_eq!(spent, 3);
        s.one_contact_one_user(&ada.subject()).await;
    }
}

/// Runs the engine until the subject's last command ends, moving the clock to each retry's due
/// time; returns the command and the waits between attempts, in seconds.
async fn run_through_retries(s: &Scenario, subject: &str) -> (CommandRecord, Vec<f64>) {
    let mut waits = Vec::new();
    for _ in 0..20 {
        s.settle().await;
        let command = s.commands(subject).await.pop().unwrap();
        match command.state {
            CommandState::Done => return (command, waits),
            CommandState::Retrying => {
                let wait = command.due_at - s.now();
                waits.push(wait.num_milliseconds() as f64 / 1000.0);
                s.app.clock.set(command.due_at);
            }
            other => panic!("unexpected state {other:?}: {command:#?}"),
        }
    }
    panic!("the command never ended");
}

on_both_stores! {
    async fn a_storm_of_503s_and_row_locks_is_retried_with_growing_backoff_until_it_succeeds() {
        let s = Scenario::start().await;
        let ada = ada();
        s.org
            .script(json!([
                {"method": "POST", "path": "/composite", "count": 2, "errorCode": "SERVER_UNAVAILABLE"},
                {"method": "POST", "path": "/composite", "count": 1, "errorCode": "UNABLE_TO_LOCK_ROW"},
                // The fourth attempt reads, then the write is locked out once more.
                {"method": "POST", "path": "/composite", "skip": 1, "count": 1, "errorCode": "UNABLE_TO_LOCK_ROW"},
            ]))
            .await;
        let before = s.org.api_calls().await;

        s.send("partner-portal", &ada.signed_up(s.now(), json!({})))
            .await;
        let (command, waits) = run_through_retries(&s, &ada.subject()).await;

        assert_eq!(
            kind_of(&command),
            Some(OutcomeKind::Succeeded),
            "{command:#?}"
        );
        assert_eq!(command.attempts, 5);
        // retry_base_seconds = 1: 1, 2, 4, 8 seconds, each within the ±20% jitter band.
        assert_eq!(waits.len(), 4, "{waits:?}");
        for (wait, base) in waits.iter().zip([1.0, 2.0, 4.0, 8.0]) {
            assert!(
                (base * 0.8..=base * 1.2).contains(wait),
                "waits {waits:?} do not follow the backoff"
            );
        }
        let outcome = command.outcome.unwrap();
        assert!(outcome.api_calls <= 3, "the last attempt: {outcome:#?}");
        // 4 failed attempts spent 1 + 1 + 1 + 2 calls; the last one 3.
        assert_eq!(
            s.org.api_calls().await - before,
            5 + u64::from(outcome.api_calls)
        );
        s.one_contact_one_user(&ada.subject()).await;
        assert_eq!(s.org.licence("Partner Community").await.used, 1);
    }
}

on_both_stores! {
    async fn an_org_that_stays_down_ends_in_a_dead_letter_after_the_last_attempt() {
        let s = Scenario::start().await;
        let ada = ada();
        s.org
            .script(json!({"path": "/composite", "count": 100, "errorCode": "SERVER_UNAVAILABLE"}))
            .await;

        s.send("partner-portal", &ada.signed_up(s.now(), json!({})))
            .await;
        let (command, waits) = run_through_retries(&s, &ada.subject()).await;

        assert_eq!(kind_of(&command), Some(OutcomeKind::DeadLettered));
        assert_eq!(command.attempts, 8, "max_attempts");
        assert_eq!(waits.len(), 7);
        let refusal = command.outcome.unwrap().refusal.unwrap();
        assert_eq!(refusal.code, "RETRIES_EXHAUSTED");
        assert!(
            refusal.message.contains("SERVER_UNAVAILABLE"),
            "{refusal:?}"
        );
        assert!(s.keyed_contacts(&ada.subject()).await.is_empty());
    }
}

on_both_stores! {
    async fn a_refused_password_reset_is_asked_again_and_the_welcome_email_goes_out_once() {
        let s = Scenario::start_with(Setup {
            welcome: "password-reset",
            ..Setup::default()
        })
        .await;
        s.org
            .settings(json!({"site_sends_welcome_email": false}))
            .await;
        let ada = ada();
        s.org
            .script(json!({"method": "DELETE", "path": "/sobjects/User", "errorCode": "SERVER_UNAVAILABLE"}))
            .await;

        s.send("partner-portal", &ada.signed_up(s.now(), json!({})))
            .await;
        let (command, _) = run_through_retries(&s, &ada.subject()).await;

        assert_eq!(
            kind_of(&command),
            Some(OutcomeKind::Succeeded),
            "{command:#?}"
        );
        assert_eq!(command.attempts, 2);
        let (_, user) = s.one_contact_one_user(&ada.subject()).await;
        let user_id = user["Id"].as_str().unwrap();
        assert_eq!(s.org.emails_about("password_reset", user_id).await, 1);
        assert_eq!(
            s.subject(&ada.subject()).await.welcome_email,
            Some(WelcomeEmailState::Sent)
        );
        let outcome = command.outcome.unwrap();
        assert_eq!(outcome.api_calls, 2, "a read, then the reset: {outcome:#?}");
    }
}

on_both_stores! {
    async fn a_spent_daily_allowance_holds_the_command_until_the_org_has_room_again() {
        let s = Scenario::start().await;
        let ada = ada();
        let max = s.org.limits(json!({})).await["max"].as_u64().unwrap();
        s.org.limits(json!({"used": max})).await;

        s.send("partner-portal", &ada.signed_up(s.now(), json!({})))
            .await;
        s.settle().await;
        let waiting = s.commands(&ada.subject()).await.pop().unwrap();
        assert_eq!(waiting.state, CommandState::Retrying, "{waiting:#?}");
        assert_eq!(
            waiting.last_error.as_ref().map(|e| e.code.as_str()),
            Some("REQUEST_LIMIT_EXCEEDED")
        );
        assert!(
            waiting.due_at - s.now() >= TimeDelta::minutes(5),
            "a spent allowance waits at least five minutes, not the usual backoff"
        );
        assert!(s.keyed_contacts(&ada.subject()).await.is_empty());

        // The rolling window frees calls; the retry comes due.
        s.org.limits(json!({"used": 0})).await;
        let (command, _) = run_through_retries(&s, &ada.subject()).await;
        assert_eq!(
            kind_of(&command),
            Some(OutcomeKind::Succeeded),
            "{command:#?}"
        );
        s.one_contact_one_user(&ada.subject()).await;
    }
}
