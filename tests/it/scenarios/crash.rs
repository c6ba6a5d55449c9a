//! The process killed between Salesforce calls, and started again on the same store and org.
//!
//! The org outlives the service (it runs on its own, reached as a remote org), so the restarted
//! service meets what the first one left. A kill is made exact with the org's scripts: `stall`
//! holds a call unanswered (and not carried out) while the service is stopped with no grace,
//! which cuts the running command off mid-way; `drop_after` carries a call out and loses its
//! answer, as a death right after sending would. Either way the end must be the one of an
//! uninterrupted run: one Contact, one User, the welcome email at most once.

use crate::on_both_stores;
use std::time::Duration;

use gatehouse::domain::OutcomeKind;
use gatehouse::store::{CommandState, SubjectState, WelcomeEmailState};
use serde_json::{Value, json};
use sfsim::{SimConfig, SimHandle, SimServer};

use super::{Org, Scenario, Setup, ada, assert_kind};
use crate::support::settle::{kind_of, wait_for};

/// An org of its own, and the service on it; `welcome` is the signup rule's welcome mode.
async fn start(welcome: &'static str) -> (SimHandle, Scenario) {
    start_with(welcome, "").await
}

/// The same, with extra `[engine]` lines.
async fn start_with(welcome: &'static str, engine: &'static str) -> (SimHandle, Scenario) {
    let org = SimServer::start(SimConfig::default())
        .await
        .expect("the org starts");
    let s = Scenario::start_with(Setup {
        org: Org::Remote(org.login_url.clone()),
        welcome,
        // Stopping cuts running commands off at once, as a kill would.
        service: "shutdown_timeout_seconds = 0",
        engine,
        ..Setup::default()
    })
    .await;
    if welcome == "password-reset" {
        s.org
            .settings(json!({"site_sends_welcome_email": false}))
            .await;
    }
    (org, s)
}

/// Waits until the org has caught the call a script aimed at (the script is used up).
async fn until_caught(s: &Scenario) {
    for _ in 0..3000 {
        if s.org.scripts().await.is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the service never made the call the script waits for");
}

/// The second composite of a provision: it writes the Contact and the User, assigns the
/// permission set and reads the new User back.
fn contact_and_user_write() -> Value {
    json!({"method": "POST", "path": "/composite", "skip": 1})
}

/// The call that has the org send a password-reset email.
fn password_reset() -> Value {
    json!({"method": "DELETE", "path": "/sobjects/User"})
}

/// Arms a script of `kind` on `call`, then sends Ada's signup.
async fn sign_up_ada_with_script(s: &Scenario, kind: &str, call: Value) {
    let mut script = call;
    script["kind"] = json!(kind);
    s.org.script(script).await;
    s.send("partner-portal", &ada().signed_up(s.now(), json!({})))
        .await;
}

/// Sends Ada's signup with `call` stalled, kills the service while the caught call is held,
/// and starts it again; then lets the held call go (it was never carried out).
async fn kill_during(s: Scenario, call: Value) -> Scenario {
    sign_up_ada_with_script(&s, "stall", call).await;
    until_caught(&s).await;
    let s = s.restart().await;
    s.org
        .control(reqwest::Method::DELETE, "/faults/script", Value::Null)
        .await;
    s.settle().await;
    // The command was cut off running: the new process took it back from the old one.
    let history = s.history(&ada().subject()).await;
    assert!(
        history
            .iter()
            .any(|h| h.detail["released"] == "worker restarted"),
        "{history:#?}"
    );
    s
}

/// Sends Ada's signup with `call` carried out and its answer lost. Once the command waits to
/// retry, the service is restarted and the retry made due.
async fn lose_answer_of(s: Scenario, call: Value) -> Scenario {
    sign_up_ada_with_script(&s, "drop_after", call).await;
    let subject = ada().subject();
    let commands = wait_for(&s.app.store, "the command to wait for a retry", |all| {
        all.iter()
            .any(|c| c.command.subject.as_str() == subject && c.state == CommandState::Retrying)
    })
    .await;
    let due = commands.last().unwrap().due_at;
    let s = s.restart().await;
    s.app.clock.set(due);
    s
}

/// What Ada's lifecycle record says of her welcome email.
async fn welcome_email(s: &Scenario) -> Option<WelcomeEmailState> {
    s.subject(&ada().subject()).await.welcome_email
}

/// The end every cut must reach; returns the rerun's outcome API calls.
async fn assert_converged(s: &Scenario, welcome_emails: usize) -> u32 {
    assert_converged_after(s, welcome_emails, 0).await
}

/// The same, with `others` partner users signed up before Ada.
async fn assert_converged_after(s: &Scenario, welcome_emails: usize, others: i64) -> u32 {
    let subject = ada().subject();
    let commands = s.settle().await;
    let signup = commands
        .iter()
        .find(|c| c.command.subject.as_str() == subject)
        .expect("the signup's command");
    assert_eq!(
        kind_of(signup),
        Some(OutcomeKind::Succeeded),
        "{:#?}",
        crate::support::settle::summary(&commands)
    );
    let (contact, user) = s.one_contact_one_user(&subject).await;
    assert_eq!(user["IsActive"], true);
    assert_eq!(
        s.org
            .records_where("Contact", "Email", &ada().email)
            .await
            .len(),
        1,
        "one Contact for the person"
    );
    let user_id = user["Id"].as_str().unwrap();
    let kind = match s.setup.welcome {
        "password-reset" => "password_reset",
        _ => "welcome",
    };
    assert_eq!(
        s.org.emails_about(kind, user_id).await,
        welcome_emails,
        "{:#?}",
        s.org.emails().await
    );
    assert_eq!(s.org.licence("Partner Community").await.used, 1 + others);
    let record = s.subject(&subject).await;
    assert_eq!(record.state, SubjectState::Provisioned);
    assert_eq!(
        record.username.as_deref(),
        Some("ada.lovelace@partner.example.acme")
    );
    assert!(
        record
            .contact_id
            .is_some_and(|c| c[..15] == contact["Id"].as_str().unwrap()[..15])
    );
    signup.outcome.as_ref().unwrap().api_calls
}

on_both_stores! {
    async fn killed_while_the_contact_and_user_are_being_written_the_restart_writes_them_once() {
        let (_org, s) = start("site-setting").await;
        let s = kill_during(s, contact_and_user_write()).await;
        let calls = assert_converged(&s, 1).await;
        assert_eq!(calls, 2, "the rerun is a whole provision");
    }
}

on_both_stores! {
    async fn when_the_answer_of_the_user_creation_is_lost_the_rerun_finds_the_user_and_finishes() {
        let (_org, s) = start("site-setting").await;
        let s = lose_answer_of(s, contact_and_user_write()).await;
        let calls = assert_converged(&s, 1).await;
        assert_eq!(
            calls, 1,
            "a read finds Contact, User and permission set in place"
        );
        let steps = s.last_outcome(&ada().subject()).await.steps;
        assert!(steps.iter().any(|s| s == "user.created"), "{steps:?}");
    }
}

on_both_stores! {
    async fn killed_right_before_the_password_reset_reaches_the_org_the_email_is_never_sent_twice() {
        let (_org, s) = start("password-reset").await;
        let s = kill_during(s, password_reset()).await;
        // The intent was recorded before the call: after the kill nobody can tell whether it went
        // out, so it is not asked again. The lifecycle record says so.
        let calls = assert_converged(&s, 0).await;
        assert_eq!(calls, 1);
        assert_eq!(welcome_email(&s).await, Some(WelcomeEmailState::Intended));
    }
}

on_both_stores! {
    async fn when_the_answer_of_the_password_reset_is_lost_the_email_goes_out_exactly_once() {
        let (_org, s) = start("password-reset").await;
        let s = lose_answer_of(s, password_reset()).await;
        let calls = assert_converged(&s, 1).await;
        assert_eq!(calls, 1, "the rerun only reads");
        assert_eq!(welcome_email(&s).await, Some(WelcomeEmailState::Intended));
    }
}

on_both_stores! {
    async fn killed_before_the_welcome_email_was_asked_for_the_restart_sends_it_once() {
        let (_org, s) = start("password-reset").await;
        let s = kill_during(s, contact_and_user_write()).await;
        let calls = assert_converged(&s, 1).await;
        assert_eq!(calls, 3, "a read, the creation, and the reset");
        assert_eq!(welcome_email(&s).await, Some(WelcomeEmailState::Sent));
    }
}

on_both_stores! {
    async fn when_the_user_creation_answer_is_lost_the_welcome_email_still_goes_out_once() {
        let (_org, s) = start("password-reset").await;
        let s = lose_answer_of(s, contact_and_user_write()).await;
        let calls = assert_converged(&s, 1).await;
        assert_eq!(calls, 2, "a read, and the reset");
        assert_eq!(welcome_email(&s).await, Some(WelcomeEmailState::Sent));
    }
}

on_both_stores! {
    async fn a_new_user_with_a_password_reset_welcome_takes_three_calls() {
        let (_org, s) = start("password-reset").await;
        let spent = s
            .send_and_settle("partner-portal", &ada().signed_up(s.now(), json!({})))
            .await;
        let outcome = s.last_outcome(&ada().subject()).await;
        assert_kind(&outcome, OutcomeKind::Succeeded);
        assert!(
            outcome.api_calls <= 3,
            "one more than 2 for the reset: {outcome:#?}"
        );
        assert_eq!(spent, u64::from(outcome.api_calls));
        assert_converged(&s, 1).await;
    }
}

/// An org of its own with adoption by email off, and Grace signed up first: the profile and
/// the licence counts are known, so Ada is written in one call.
async fn start_warm() -> (SimHandle, Scenario) {
    let (org, s) = start_with("site-setting", super::lone_user::ADOPTION_OFF).await;
    let grace = super::Partner::new(
        "u-0",
        "P-100",
        "Grace",
        "Hopper",
        "grace.hopper@partner.example",
    );
    s.sign_up(&grace).await;
    (org, s)
}

/// The one composite that writes a new person without a read.
fn one_call_write() -> Value {
    json!({"method": "POST", "path": "/composite"})
}

on_both_stores! {
    async fn killed_during_the_one_call_write_the_restart_writes_the_person_once() {
        let (_org, s) = start_warm().await;
        let s = kill_during(s, one_call_write()).await;
        let calls = assert_converged_after(&s, 1, 1).await;
        assert_eq!(calls, 2, "the restarted process knows nothing yet: it reads, then writes");
    }
}

on_both_stores! {
    async fn when_the_answer_of_the_one_call_write_is_lost_the_rerun_finds_the_user_and_finishes() {
        let (_org, s) = start_warm().await;
        let s = lose_answer_of(s, one_call_write()).await;
        let calls = assert_converged_after(&s, 1, 1).await;
        assert_eq!(calls, 1, "a read finds Contact, User and permission set in place");
        let steps = s.last_outcome(&ada().subject()).await.steps;
        assert!(steps.iter().any(|s| s == "user.created"), "{steps:?}");
    }
}
