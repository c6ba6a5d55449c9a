//! A command's claim outlasting its lease: the run keeps its claim by renewing it, and a run
//! whose claim was taken over writes nothing more.
//!
//! The org holds the composite that creates the User (with its Contact's upsert) unanswered
//! and not carried out (`stall`), so the run is stuck mid-call for as long as the test likes.
//! Letting it go closes the connection: the run sees a call that brought no answer.

use crate::on_both_stores;
use std::time::Duration;

use chrono::TimeDelta;
use gatehouse::clock::SystemClock;
use gatehouse::domain::OutcomeKind;
use gatehouse::store::{CommandRecord, CommandState, PostgresOptions, SqliteOptions, Store};
use serde_json::{Value, json};
use std::sync::Arc;

use super::{Scenario, Setup, ada, assert_kind};
use crate::support::log::Log;
use crate::support::settle::wait_for;

/// The shortest lease the settings take.
const LEASE_SECONDS: i64 = 10;

/// The second composite of a provision: it upserts the Contact and creates the User.
fn user_create() -> Value {
    json!({"method": "POST", "path": "/composite", "skip": 1, "kind": "stall"})
}

/// Sends Ada's signup with the User's creation stalled, and waits until the org holds it.
async fn sign_up_ada_stalled(s: &Scenario) {
    s.org.script(user_create()).await;
    s.send("partner-portal", &ada().signed_up(s.now(), json!({})))
        .await;
    for _ in 0..3000 {
        if s.org.scripts().await.is_empty() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the service never made the call the script waits for");
}

/// Lets the stalled call go: the org closes its connection without carrying it out.
async fn release_the_stall(s: &Scenario) {
    s.org
        .control(reqwest::Method::DELETE, "/faults/script", Value::Null)
        .await;
}

/// Ada's signup command.
async fn signup(s: &Scenario) -> CommandRecord {
    s.commands(&ada().subject()).await.pop().expect("a command")
}

/// Ends with the org as one uninterrupted run leaves it: one Contact, one User, one welcome
/// email, and the signup succeeded.
async fn assert_one_of_each(s: &Scenario) {
    s.advance(TimeDelta::minutes(1));
    s.settle().await;
    assert_kind(
        &s.last_outcome(&ada().subject()).await,
        OutcomeKind::Succeeded,
    );
    let (_, user) = s.one_contact_one_user(&ada().subject()).await;
    let user_id = user["Id"].as_str().expect("the user's id");
    assert_eq!(s.org.emails_about("welcome", user_id).await, 1);
}

on_both_stores! {
    async fn a_call_stalled_past_the_lease_keeps_its_claim_and_no_second_run_starts() {
        let s = Scenario::start_with(Setup {
            engine: "lease_seconds = 10",
            ..Setup::default()
        })
        .await;
        sign_up_ada_stalled(&s).await;

        // Three leases pass on the service's clock, in steps the renewal can follow (it looks at
        // the clock four times a second and renews every third of the lease).
        for _ in 0..(3 * LEASE_SECONDS / 2) {
            s.advance(TimeDelta::seconds(2));
            tokio::time::sleep(Duration::from_millis(400)).await;
        }

        let held = signup(&s).await;
        assert_eq!(held.state, CommandState::Running, "{held:#?}");
        assert_eq!(held.attempts, 1, "no second run started: {held:#?}");
        assert!(
            held.claimed_until.expect("a claim") > s.now(),
            "the claim was renewed: {held:#?}"
        );
        let history = s.history(&ada().subject()).await;
        assert!(
            !history.iter().any(|h| h.detail.get("released").is_some()),
            "the claim was never released: {history:#?}"
        );

        release_the_stall(&s).await;
        wait_for(&s.app.store, "the stalled run to wait for a retry", |all| {
            all.iter().any(|c| c.state == CommandState::Retrying)
        })
        .await;
        assert_one_of_each(&s).await;
    }
}

on_both_stores! {
    async fn a_claim_taken_over_refuses_every_later_write_of_its_first_run() {
        let log = Log::default();
        let _capture = tracing::subscriber::set_default(log.subscriber());
        let s = Scenario::start().await;
        sign_up_ada_stalled(&s).await;
        let first = signup(&s).await;

        // A second worker, on the same store, finds the claim expired by its own clock and takes
        // the command over, while the first run is still inside its call.
        let second = second_handle(&s).await;
        let later = s.now() + TimeDelta::minutes(10);
        assert_eq!(second.release_expired_claims(later).await.unwrap(), 1);
        let taken = second
            .claim_due(later, 10, "second-worker", TimeDelta::hours(1))
            .await
            .unwrap();
        assert_eq!(taken.len(), 1);

        // The first run's call comes back without an answer; it would retry, but its claim is
        // no longer the command's.
        release_the_stall(&s).await;
        for _ in 0..3000 {
            if log.text().contains("claim was lost") {
                break;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let text = log.text();
        let line = text
            .lines()
            .find(|l| l.contains("claim was lost"))
            .unwrap_or_else(|| panic!("the first run never stopped for its lost claim:\n{text}"));
        assert!(line.contains("no longer held under claim"), "{line}");

        let now = signup(&s).await;
        assert_eq!(now.state, CommandState::Running, "{now:#?}");
        assert_eq!(now.claimed_by.as_deref(), Some("second-worker"));
        assert_eq!(now.last_error, None, "the first run's retry was refused");
        assert_eq!(now.progress, first.progress, "{now:#?}");
        let history = s.history(&ada().subject()).await;
        assert!(
            !history
                .iter()
                .any(|h| h.detail.get("state") == Some(&json!("retrying"))),
            "{history:#?}"
        );

        // The second worker gives the command back unfinished; the service runs it to the end.
        assert_eq!(second.release_claims_of("second-worker").await.unwrap(), 1);
        second.close().await;
        assert_one_of_each(&s).await;
    }
}

/// A second handle on the service's store, as a second worker (another replica) holds one.
async fn second_handle(s: &Scenario) -> Store {
    let handle = match s.app.database_url() {
        Some(url) => {
            let options = PostgresOptions::new(secrecy::SecretString::from(url));
            Store::open_postgres_with_clock(options, Arc::new(SystemClock)).await
        }
        None => {
            let path = s.app.store_dir().path().join("test.db");
            Store::open_sqlite(&path, SqliteOptions::default()).await
        }
    };
    handle.expect("a second handle on the service's store")
}
