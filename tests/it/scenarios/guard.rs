//! The mass-deprovision guard: a contract end fanned out to hundreds of people, or arriving as
//! hundreds of events, is held past the threshold before anyone is shown out; an operator
//! approves (the org's users are deactivated) or rejects it (they stay active); an operator's
//! own deprovisions, provisions and newer events pass as before.

mod cli;
mod release;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::AtomicU32;

use crate::on_both_stores;
use gatehouse::store::{CommandRecord, CommandState};
use serde_json::Value;

use super::bursts::{contract, org_with_people, people};
use super::{Scenario, Setup, scenario_app};

/// The shared admin token of the guard's scenarios (the operator `admin`).
const TOKEN: &str = "guard-scenario-admin-token";

/// The approver alice's token.
const APPROVER: &str = "guard-scenario-approver-token";

/// Alice, who releases what the guard holds.
const ALICE: &str = "[[admin.operators]]\nname = \"alice\"\ntoken = \"guard-scenario-approver-token\"\nrole = \"approver\"\n";

/// More than 50 deprovisions within ten minutes, from every source together, trips the guard.
const FIFTY: &str = "window_seconds = 600\n[guard.overall]\ncount = 50";

/// A service with the admin API on, the guard set by `guard` (lines of `[guard]`), on an org
/// holding `count` people `b-N` of the partner Account P-100, all active.
async fn start(count: usize, guard: &'static str) -> Scenario {
    let setup = Setup {
        service: "max_body_bytes = 1048576",
        guard,
        ..Setup::default()
    };
    let app = scenario_app(&setup)
        .admin_token(TOKEN)
        .admin(ALICE)
        .spawn()
        .await;
    let s = Scenario::on(app, setup, Arc::new(AtomicU32::new(0)));
    s.org.load_fixture(&org_with_people(count, &[])).await;
    s
}

/// An admin API call as the approver `alice`; the status and the JSON answer.
async fn admin(s: &Scenario, method: reqwest::Method, path: &str) -> (u16, Value) {
    let response = s
        .app
        .client
        .request(method, format!("{}{path}", s.app.base))
        .bearer_auth(APPROVER)
        .send()
        .await
        .expect("the admin API answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// `IsActive` of each person `b-N`'s user, by N.
async fn active(s: &Scenario) -> BTreeMap<usize, bool> {
    s.org
        .records("User")
        .await
        .iter()
        .filter_map(|user| {
            let n = user["Username"]
                .as_str()?
                .strip_prefix('b')?
                .strip_suffix("@partner.example.acme")?
                .parse()
                .ok()?;
            Some((n, user["IsActive"].as_bool()?))
        })
        .collect()
}

/// The people among `range` whose user is active.
async fn still_active(s: &Scenario, range: std::ops::Range<usize>) -> usize {
    let users = active(s).await;
    range.filter(|n| users.get(n) == Some(&true)).count()
}

/// Every command in `state`.
fn in_state(commands: &[CommandRecord], state: CommandState) -> Vec<&CommandRecord> {
    commands.iter().filter(|c| c.state == state).collect()
}

/// The trip announcements waiting in the outbox.
async fn trips(s: &Scenario) -> Vec<Value> {
    s.app
        .store
        .outbox_unpublished(10_000)
        .await
        .expect("the outbox reads")
        .into_iter()
        .filter(|row| row.event_type == "dev.gatehouse.guard.tripped")
        .map(|row| row.payload)
        .collect()
}

on_both_stores! {
    async fn a_contract_end_arriving_as_200_events_trips_the_guard_at_its_threshold() {
        let s = start(200, FIFTY).await;
        for id in people(0..200) {
            let at = s.now();
            s.send("contracts", &contract("contract.ended", at, std::slice::from_ref(&id)))
                .await;
        }
        let commands = s.settle().await;

        let ran = in_state(&commands, CommandState::Done);
        let held = in_state(&commands, CommandState::Held);
        assert_eq!((ran.len(), held.len()), (50, 150), "fifty run, the rest are held");
        assert_eq!(still_active(&s, 0..200).await, 150, "the held people keep their access");
        let first = held.iter().min_by_key(|c| &c.command.id).expect("held");
        assert!(
            first
                .held_reason
                .as_deref()
                .is_some_and(|r| r.contains("51 deprovisions within 10 min (at most 50")),
            "the first held says what passed: {:?}",
            first.held_reason
        );
        assert!(
            held.iter().filter(|c| c.command.id != first.command.id).all(|c| c
                .held_reason
                .as_deref()
                .is_some_and(|r| r.contains("guard is tripped for every source together"))),
            "the rest are held because it is tripped"
        );

        let trips = trips(&s).await;
        assert_eq!(trips.len(), 1, "one trip: {trips:#?}");
        assert_eq!(trips[0]["scope"], "overall");
        assert_eq!(trips[0]["deprovisions"], 51);
        assert_eq!(trips[0]["allowed"], 50);
        assert_eq!(trips[0]["held"], 1);

        let (status, guard) = admin(&s, reqwest::Method::GET, "/v1/guard").await;
        assert_eq!(status, 200, "{guard}");
        assert_eq!(guard["scopes"][0]["scope"], "*");
        assert_eq!(guard["scopes"][0]["held"], 150);
        assert!(guard["scopes"][0]["tripped_at"].is_string(), "{guard}");
    }
}

on_both_stores! {
    async fn a_fan_out_of_200_is_held_whole_and_an_approval_releases_it() {
        let s = start(200, FIFTY).await;
        let delivered = s
            .send("contracts", &contract("contract.ended", s.now(), &people(0..200)))
            .await;
        let event = delivered.body["event_id"].as_str().expect("an event id").to_owned();
        let commands = s.settle().await;
        assert_eq!(in_state(&commands, CommandState::Held).len(), 200, "held whole");
        assert_eq!(still_active(&s, 0..200).await, 200, "nobody ran");
        let trips = trips(&s).await;
        assert_eq!(trips.len(), 1);
        assert_eq!((trips[0]["held"].clone(), trips[0]["event_id"].clone()), (200.into(), event.clone().into()));

        let (_, page) = admin(&s, reqwest::Method::GET, &format!("/v1/held?event={event}&limit=1000")).await;
        assert_eq!(page["items"].as_array().map(Vec::len), Some(200), "{page}");
        let (status, approved) =
            admin(&s, reqwest::Method::POST, &format!("/v1/held/approve?event={event}")).await;
        assert_eq!(status, 200, "{approved}");
        assert_eq!(approved["approved"], 200);
        assert_eq!(approved["cleared"], serde_json::json!(["*"]));
        let commands = s.settle().await;

        assert_eq!(in_state(&commands, CommandState::Held).len(), 0);
        assert!(commands.iter().all(|c| c.outcome.as_ref().is_some_and(|o| o.kind
            == gatehouse::domain::OutcomeKind::Succeeded)), "every approved deprovision ran");
        assert_eq!(still_active(&s, 0..200).await, 0, "every user is inactive");
        let history = s.history("partner-portal:b-7").await;
        let approval = history
            .iter()
            .find(|h| h.detail["action"] == "approve")
            .expect("the approval is on the record");
        assert_eq!(approval.actor.as_deref(), Some("alice"));
        assert_eq!(approval.at, s.now());
        let (_, guard) = admin(&s, reqwest::Method::GET, "/v1/guard").await;
        assert!(guard["scopes"][0]["tripped_at"].is_null(), "cleared: {guard}");
    }
}
