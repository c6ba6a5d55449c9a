//! Reconciliation with the org: users changed by hand in the org (through sfsim's side door,
//! not the API) are found, reported per person with the evidence, and repaired by policy
//! through the ordinary queue; and what reading a large org costs at both batch sizes.

use std::sync::Arc;
use std::sync::atomic::AtomicU32;

use crate::on_both_stores;
use chrono::TimeDelta;
use gatehouse::store::SubjectState;
use reqwest::Method;
use serde_json::{Value, json};

use super::config::scenario_app;
use super::{Partner, Scenario, Setup};

pub(super) const TOKEN: &str = "reconcile-admin-token-0123456789abcdef";
/// The operator alice's token (role `operator`).
pub(super) const ALICE: &str = "reconcile-alice-token-0123456789";
/// The operator bob's token (role `admin`).
pub(super) const BOB: &str = "reconcile-bob-token-0123456789";

const OPERATORS: &str = "[[admin.operators]]\nname = \"alice\"\ntoken = \"reconcile-alice-token-0123456789\"\nrole = \"operator\"\n\
    [[admin.operators]]\nname = \"bob\"\ntoken = \"reconcile-bob-token-0123456789\"\nrole = \"admin\"\n";

/// Re-enabled users are repaired; everything else is only reported.
const REPAIR_REENABLED: &str = "[reconcile]\n[reconcile.policy]\nreenabled = \"repair\"\n";

async fn start() -> Scenario {
    start_with(REPAIR_REENABLED).await
}

/// A scenario whose service has `config` added (a `[reconcile]` section).
pub(super) async fn start_with(config: &str) -> Scenario {
    let setup = Setup::default();
    let app = scenario_app(&setup)
        .config(config)
        .admin_token(TOKEN)
        .admin(OPERATORS)
        .spawn()
        .await;
    Scenario::on(app, setup, Arc::new(AtomicU32::new(0)))
}

pub(super) fn partner(n: u32) -> Partner {
    Partner::new(
        &format!("drift-{n}"),
        "P-100",
        "Drift",
        &format!("Partner{n}"),
        &format!("drift.partner{n}@partner.example"),
    )
}

pub(super) async fn reconcile(s: &Scenario, query: &str) -> Value {
    let response = s
        .app
        .client
        .request(Method::POST, format!("{}/v1/reconcile{query}", s.app.base))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("the admin API answers");
    let status = response.status();
    let body: Value = response.json().await.expect("a JSON answer");
    assert_eq!(status, 200, "{body}");
    body
}

pub(super) async fn by_hand(s: &Scenario, user: &str, change: Value) -> Value {
    s.org
        .control(Method::PATCH, &format!("/users/{user}"), change)
        .await
}

/// The findings about one subject, as `(class, action)`.
pub(super) fn about(report: &Value, subject: &str) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .filter(|f| f["subject_key"] == subject)
        .map(|f| {
            (
                f["class"].as_str().unwrap_or_default().to_owned(),
                f["action"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

pub(super) async fn user_id(s: &Scenario, person: &Partner) -> String {
    s.subject(&person.subject())
        .await
        .user_id
        .expect("a user id on the record")
}

on_both_stores! {
    async fn a_user_re_enabled_by_hand_is_found_and_shown_out_again() {
        let s = start().await;
        let ada = partner(1);
        s.sign_up(&ada).await;
        s.an_hour_later(&ada, "partner.user.removed").await;
        assert_eq!(s.subject(&ada.subject()).await.state, SubjectState::Deactivated);
        let user = user_id(&s, &ada).await;
        let calls_before = s.org.api_calls().await;
        let reenabled = by_hand(&s, &user, json!({"active": true})).await;
        assert_eq!(reenabled["IsActive"], true);
        assert_eq!(s.org.api_calls().await, calls_before, "a hand change is no API call");

        // The dry run finds it and says what it would do, and does nothing.
        let plan = reconcile(&s, "").await;
        assert_eq!(plan["applied"], false);
        assert_eq!(about(&plan, &ada.subject()), vec![("reenabled".into(), "repair".into())]);
        let finding = &plan["findings"][0];
        assert_eq!(finding["repair"], "deprovision");
        assert_eq!(finding["evidence"]["record"]["state"], "deactivated");
        assert_eq!(finding["evidence"]["org"]["is_active"], true);
        s.settle().await;
        assert_eq!(s.org.record("User", &user).await.expect("user")["IsActive"], true);

        // Applied, the repair goes through the queue with actor `reconcile`.
        s.advance(TimeDelta::minutes(1));
        let applied = reconcile(&s, "?apply=true").await;
        assert_eq!(about(&applied, &ada.subject()), vec![("reenabled".into(), "repaired".into())]);
        assert!(applied["findings"][0]["command_id"].is_string(), "{applied}");
        s.settle().await;
        assert_eq!(s.org.record("User", &user).await.expect("user")["IsActive"], false);
        let commands = s.commands(&ada.subject()).await;
        let last = commands.last().expect("the repair");
        assert_eq!(last.command.origin.actor.as_deref(), Some("reconcile"));
        assert_eq!(s.subject(&ada.subject()).await.state, SubjectState::Deactivated);

        // The report is kept; the next run finds nothing about Ada.
        let kept = s
            .app
            .client
            .get(format!("{}/v1/reconcile", s.app.base))
            .bearer_auth(TOKEN)
            .send()
            .await
            .expect("answers");
        let kept: Value = kept.json().await.expect("report");
        assert_eq!(kept["run_id"], applied["run_id"]);
        let again = reconcile(&s, "").await;
        assert!(about(&again, &ada.subject()).is_empty(), "{again}");
    }
}

on_both_stores! {
    async fn each_kind_of_drift_is_reported_with_its_evidence() {
        let s = start().await;
        let people: Vec<Partner> = (1..=5).map(partner).collect();
        for person in &people {
            s.sign_up(person).await;
        }
        let mut users = Vec::new();
        for person in &people {
            users.push(user_id(&s, person).await);
        }
        by_hand(&s, &users[0], json!({"active": false})).await;
        by_hand(&s, &users[1], json!({"frozen": true})).await;
        by_hand(&s, &users[2], json!({"profile": "Acme Partner Community User"})).await;
        by_hand(&s, &users[3], json!({"portal_enabled": false})).await;
        by_hand(&s, &users[4], json!({"account": "C-200"})).await;
        let made = s
            .org
            .control(
                Method::POST,
                "/users",
                json!({"username": "walk.in@northwind.example", "last_name": "Walkin",
                       "profile": "Partner Community User", "account": "P-100",
                       "contact_key": "walk-in-1"}),
            )
            .await;
        let stranger = made["user_id"].as_str().expect("made by hand").to_owned();

        let report = reconcile(&s, "").await;
        let expected = [
            ("inactive", &people[0]),
            ("frozen", &people[1]),
            ("profile", &people[2]),
            ("disabled", &people[3]),
            ("account", &people[4]),
        ];
        for (class, person) in expected {
            assert_eq!(
                about(&report, &person.subject()),
                vec![(class.to_owned(), "report".to_owned())],
                "{class}: {report}"
            );
        }
        let profile = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["class"] == "profile")
            .unwrap();
        assert_eq!(profile["evidence"]["org"]["profile"], "Acme Partner Community User");
        assert_eq!(profile["evidence"]["intent"]["profile"], "Partner Community User");
        let unmanaged: Vec<&Value> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["class"] == "unmanaged")
            .collect();
        let walk_in = unmanaged
            .iter()
            .find(|f| crate::support::sim_org::same_id(f["user_id"].as_str().unwrap(), &stranger))
            .expect("the user made by hand is unmanaged");
        assert_eq!(walk_in["adoptable_as"], "walk-in-1");
        assert_eq!(report["counts"]["unmanaged"], unmanaged.len());
        // Nothing was enqueued: only re-enabled users are repaired here, and this was a dry run.
        for person in &people {
            assert!(s.commands(&person.subject()).await.iter().all(|c| c.command.origin.actor.as_deref() != Some("reconcile")));
        }
    }
}

on_both_stores! {
    async fn reading_a_large_org_costs_a_call_per_batch_at_both_batch_sizes() {
        let people: usize = std::env::var("GATEHOUSE_RECONCILE_PEOPLE")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(5_000);
        let s = start().await;
        s.org
            .load_fixture(&format!(
                "{}\n[[populations]]\nusers = {people}\naccounts = 50\naccount_key = \"BP-\"\n\
                 owner = \"owner.partner@gatehouse.sfsim\"\npartner = true\n\
                 profiles = [\"Partner Community User\"]\ncontact_key = \"BK-\"\n\
                 inactive = 0.1\nfrozen = 0.05\n",
                sfsim::fixture::DEFAULT_FIXTURE
            ))
            .await;
        // Everyone in the org plus Robin, who was there before; frozen logins a twentieth of
        // the active ones.
        let users = people + 1;
        let frozen = (people - people / 10) / 20;
        // The fixture revoked the service's token: a first run pays the new one's refused call.
        reconcile(&s, "").await;
        for (batch, query) in [(2000, "?batch_size=2000"), (200, "?batch_size=200")] {
            let before = s.org.calls_to("GET /query").await;
            let report = reconcile(&s, query).await;
            let after = s.org.calls_to("GET /query").await;
            assert_eq!(report["org_users"], users, "{}", report["counts"]);
            let expected = users.div_ceil(batch) + frozen.div_ceil(batch).max(1);
            assert_eq!(report["api_calls"], expected, "batch {batch}");
            assert_eq!(after - before, expected as u64, "the org counted the same, batch {batch}");
            println!("reconcile: {people} people, batch {batch}: {expected} calls");
        }
    }
}

/// The portal role the org gives the user (`Worker`, `Manager`, `Executive`), or null.
async fn portal_role(s: &Scenario, user: &str) -> Value {
    let user = s.org.record("User", user).await.expect("the user");
    match user["UserRoleId"].as_str() {
        Some(role) => s.org.record("UserRole", role).await.expect("the role")["PortalRole"].clone(),
        None => Value::Null,
    }
}

on_both_stores! {
    async fn a_portal_role_changed_by_hand_is_reported_then_put_back_as_the_last_intent_said() {
        let s = start_with("[reconcile.policy]\nchanged = \"repair\"\n").await;
        let ada = partner(7);
        s.send_and_settle("partner-portal", &ada.signed_up(s.now(), json!({"role": "manager"})))
            .await;
        let user = user_id(&s, &ada).await;
        assert_eq!(portal_role(&s, &user).await, "Manager");
        // An admin takes the role away by hand.
        let changed = by_hand(&s, &user, json!({"role": ""})).await;
        assert!(changed["UserRoleId"].is_null(), "{changed}");

        let plan = reconcile(&s, "").await;
        assert_eq!(about(&plan, &ada.subject()), vec![("role".into(), "repair".into())], "{plan}");
        let finding = plan["findings"].as_array().unwrap().iter().find(|f| f["class"] == "role").unwrap();
        assert_eq!(finding["evidence"]["intent"]["portal_role"], "Manager");
        assert!(finding["evidence"]["org"]["portal_role"].is_null(), "{finding}");
        assert_eq!(finding["repair"], "provision");

        s.advance(TimeDelta::minutes(1));
        let applied = reconcile(&s, "?apply=true").await;
        assert_eq!(about(&applied, &ada.subject()), vec![("role".into(), "repaired".into())]);
        s.settle().await;
        assert_eq!(portal_role(&s, &user).await, "Manager", "the repair gave the role back");
        let last = s.commands(&ada.subject()).await.pop().expect("the repair");
        assert_eq!(last.command.origin.actor.as_deref(), Some("reconcile"));
        let again = reconcile(&s, "").await;
        assert!(about(&again, &ada.subject()).is_empty(), "{again}");
    }
}
