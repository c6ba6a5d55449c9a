//! A burst's process killed before, during and after one of its collection calls, and started
//! again on the same store and org: every user ends deactivated, every licence freed once, and
//! every command with one outcome. The org outlives the service (a remote org), and its scripts
//! make each cut exact: `stall` holds a call unanswered and not carried out while the service is
//! stopped with no grace; `drop_after` carries a call out and loses its answer.

use crate::on_both_stores;
use gatehouse::domain::OutcomeKind;
use gatehouse::store::CommandState;
use serde_json::{Value, json};
use sfsim::{SimConfig, SimHandle, SimServer};

use super::{contract, last_commands, org_with_people, people};
use crate::scenarios::{Org, Scenario, Setup};
use crate::support::settle::{kind_of, summary, wait_for};
use crate::support::sim_org::SimOrg;

/// People in each burst; with ten records to a collection, three collections.
const PEOPLE: usize = 30;

/// An org of its own holding the burst's people, and the service on it.
async fn start() -> (SimHandle, Scenario) {
    let org = SimServer::start(SimConfig::default())
        .await
        .expect("the org starts");
    SimOrg::at(&org.login_url)
        .load_fixture(&org_with_people(PEOPLE, &[]))
        .await;
    let s = Scenario::start_with(Setup {
        org: Org::Remote(org.login_url.clone()),
        // Stopping cuts running commands off at once, as a kill would.
        service: "shutdown_timeout_seconds = 0\nmax_body_bytes = 1048576",
        engine: "[engine.batch]\nrecords_per_collection = 10",
        guard: "enabled = false",
        ..Setup::default()
    })
    .await;
    (org, s)
}

/// The second collection of the burst's writes.
fn second_collection() -> Value {
    json!({"method": "PATCH", "path": "/composite/sobjects", "skip": 1})
}

/// The read composite of the burst.
fn the_read() -> Value {
    json!({"method": "POST", "path": "/composite"})
}

/// Waits until the org has caught the call a script aimed at (the script is used up).
async fn until_caught(s: &Scenario) {
    for _ in 0..3000 {
        if s.org.scripts().await.is_empty() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the service never made the call the script waits for");
}

/// Sends the contract's end with `call` stalled, kills the service while the call is held and
/// starts it again; then lets the held call go (it was never carried out).
async fn kill_during(s: Scenario, call: Value) -> Scenario {
    let mut script = call;
    script["kind"] = json!("stall");
    s.org.script(script).await;
    s.send(
        "contracts",
        &contract("contract.ended", s.now(), &people(0..PEOPLE)),
    )
    .await;
    until_caught(&s).await;
    let s = s.restart().await;
    s.org
        .control(reqwest::Method::DELETE, "/faults/script", Value::Null)
        .await;
    s
}

/// The end every cut must reach: each user deactivated, the licences freed once, each command
/// ended once.
async fn assert_converged(s: &Scenario, used_before: i64) {
    s.settle().await;
    let everyone = people(0..PEOPLE);
    let commands = last_commands(s, &everyone).await;
    for (id, command) in everyone.iter().zip(&commands) {
        let all = s.commands(&format!("partner-portal:{id}")).await;
        assert_eq!(all.len(), 1, "one command for {id}: {:#?}", summary(&all));
        assert_eq!(command.state, CommandState::Done, "{:#?}", summary(&all));
        let kind = kind_of(command);
        assert!(
            matches!(kind, Some(OutcomeKind::Succeeded | OutcomeKind::NoChange)),
            "{:#?}",
            summary(&all)
        );
        let (_, user) = s
            .one_contact_one_user(&format!("partner-portal:{id}"))
            .await;
        assert_eq!(user["IsActive"], false, "{id}");
    }
    let used = s.org.licence("Partner Community").await.used;
    assert_eq!(used, used_before - PEOPLE as i64, "each licence freed once");
}

async fn used(s: &Scenario) -> i64 {
    s.org.licence("Partner Community").await.used
}

on_both_stores! {
    async fn killed_before_the_burst_is_read_the_restart_deactivates_everyone_once() {
        let (_org, s) = start().await;
        let before = used(&s).await;
        let s = kill_during(s, the_read()).await;
        assert_converged(&s, before).await;
    }
}

on_both_stores! {
    async fn killed_while_a_collection_is_being_written_the_restart_finishes_the_rest() {
        let (_org, s) = start().await;
        let before = used(&s).await;
        let s = kill_during(s, second_collection()).await;
        assert_converged(&s, before).await;
        // The first collection was carried out before the kill: its ten find their users
        // already out.
        let commands = last_commands(&s, &people(0..PEOPLE)).await;
        let unchanged = commands
            .iter()
            .filter(|c| kind_of(c) == Some(OutcomeKind::NoChange))
            .count();
        assert_eq!(unchanged, 10, "{:#?}", summary(&commands));
    }
}

on_both_stores! {
    async fn when_a_collection_s_answer_is_lost_the_retry_after_a_restart_converges() {
        let (_org, s) = start().await;
        let before = used(&s).await;
        let mut script = second_collection();
        script["kind"] = json!("drop_after");
        s.org.script(script).await;
        s.send("contracts", &contract("contract.ended", s.now(), &people(0..PEOPLE)))
            .await;
        // The ten whose answer was lost wait to retry; the others ended.
        let commands = wait_for(&s.app.store, "the lost collection's members to retry", |all| {
            all.iter().filter(|c| c.state == CommandState::Retrying).count() == 10
                && !all.iter().any(|c| {
                    matches!(c.state, CommandState::Queued | CommandState::Running)
                })
        })
        .await;
        let due = commands
            .iter()
            .filter(|c| c.state == CommandState::Retrying)
            .map(|c| c.due_at)
            .max()
            .unwrap();
        let s = s.restart().await;
        s.app.clock.set(due);
        assert_converged(&s, before).await;
    }
}
