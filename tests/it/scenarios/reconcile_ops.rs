//! Operating reconciliation: adopting a user created outside Gatehouse, a run on the
//! `[reconcile] every` schedule, and `gatehouse reconcile` against a running service.

use std::process::Stdio;
use std::time::Duration;

use crate::on_both_stores;
use gatehouse::store::{HistoryKind, SubjectState};
use reqwest::Method;
use serde_json::{Value, json};

use super::Scenario;
use super::reconcile::{
    ALICE, BOB, TOKEN, about, by_hand, partner, reconcile, start_with, user_id,
};

/// A user created by hand in the org, with a Contact keyed `key`; answers the user's id.
async fn walk_in(s: &Scenario, n: u32, key: &str) -> String {
    let made = s
        .org
        .control(
            Method::POST,
            "/users",
            json!({"username": format!("walk.in{n}@northwind.example"), "last_name": "Walkin",
                   "profile": "Partner Community User", "account": "P-100", "contact_key": key}),
        )
        .await;
    made["user_id"].as_str().expect("made by hand").to_owned()
}

/// The unmanaged finding about `user`, by the org's id.
fn unmanaged<'a>(report: &'a Value, user: &str) -> Option<&'a Value> {
    report["findings"].as_array()?.iter().find(|f| {
        f["class"] == "unmanaged"
            && f["user_id"]
                .as_str()
                .is_some_and(|id| crate::support::sim_org::same_id(id, user))
    })
}

async fn adopt(s: &Scenario, body: Value) -> (u16, Value) {
    let response = s
        .app
        .client
        .post(format!("{}/v1/reconcile/adopt", s.app.base))
        .bearer_auth(ALICE)
        .json(&body)
        .send()
        .await
        .expect("the admin API answers");
    let status = response.status().as_u16();
    (status, response.json().await.expect("a JSON answer"))
}

on_both_stores! {
    async fn an_operator_adopts_a_user_created_outside_gatehouse() {
        let s = start_with("").await;
        let user = walk_in(&s, 1, "walk-in-1").await;
        let plan = reconcile(&s, "").await;
        let found = unmanaged(&plan, &user).expect("the walk-in is unmanaged");
        assert_eq!(found["adoptable_as"], "walk-in-1");
        let org_id = found["user_id"].as_str().unwrap().to_owned();

        let (status, adopted) = adopt(&s, json!({"user_id": org_id})).await;
        assert_eq!(status, 201, "{adopted}");
        assert_eq!(adopted["subject_key"], "walk-in-1");
        assert_eq!(adopted["actor"], "alice");
        let record = s.subject("walk-in-1").await;
        assert_eq!(record.state, SubjectState::Provisioned);
        assert!(crate::support::sim_org::same_id(record.user_id.as_deref().unwrap(), &user));
        assert!(record.contact_id.is_some() && record.account_id.is_some(), "{record:?}");
        let history = s.history("walk-in-1").await;
        let entry = history.last().expect("the adoption is in the history");
        assert_eq!(entry.kind, HistoryKind::Operator);
        assert_eq!(entry.actor.as_deref(), Some("alice"));
        assert_eq!(entry.detail["action"], "adopt");
        assert!((s.now() - entry.at).num_seconds().abs() < 1, "recorded at the clock's now");

        // Adopted once: a second adoption is refused and changes nothing; the next run finds
        // the user managed, with no drift.
        let (status, refused) = adopt(&s, json!({"user_id": org_id, "subject": "walk-in-2"})).await;
        assert_eq!(status, 409, "{refused}");
        assert_eq!(refused["reason"], "not_adoptable");
        assert!(refused["detail"].as_str().unwrap().contains("walk-in-1"), "{refused}");
        let (status, _) = adopt(&s, json!({"user_id": "005000000000000AAA"})).await;
        assert_eq!(status, 404);
        let (status, bad) = adopt(&s, json!({"user": org_id})).await;
        assert_eq!(status, 400, "{bad}");
        let again = reconcile(&s, "").await;
        assert!(unmanaged(&again, &user).is_none(), "{again}");
        assert!(about(&again, "walk-in-1").is_empty(), "{again}");
    }
}

on_both_stores! {
    async fn a_scheduled_reconciliation_runs_on_its_own_and_applies_the_policies() {
        let s = start_with(
            "[reconcile]\nevery = \"1h\"\n[reconcile.policy]\nreenabled = \"repair\"\n",
        )
        .await;
        let mut report = Value::Null;
        for _ in 0..100 {
            let answer = s
                .app
                .client
                .get(format!("{}/v1/reconcile", s.app.base))
                .bearer_auth(TOKEN)
                .send()
                .await
                .expect("answers");
            if answer.status() == 200 {
                report = answer.json().await.expect("a report");
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        assert_eq!(report["applied"], true, "a scheduled run applied, unasked: {report}");
        assert_eq!(report["batch_size"], 2000);
    }
}

/// Runs `gatehouse ARGS --url BASE` with the admin token; answers the exit code and outputs.
async fn gatehouse(s: &Scenario, args: &[&str]) -> (i32, String, String) {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args(args)
        .args(["--url", &s.app.base])
        .env("GATEHOUSE_ADMIN_TOKEN", BOB)
        .env_remove("GATEHOUSE_URL")
        .stdin(Stdio::null())
        .output()
        .await
        .expect("gatehouse runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

on_both_stores! {
    async fn the_command_line_prints_the_plan_applies_it_and_adopts() {
        let s = start_with("[reconcile.policy]\nreenabled = \"repair\"\n").await;
        let ada = partner(3);
        s.sign_up(&ada).await;
        s.an_hour_later(&ada, "partner.user.removed").await;
        let user = user_id(&s, &ada).await;
        by_hand(&s, &user, json!({"active": true})).await;
        let stranger = walk_in(&s, 2, "walk-in-9").await;

        let (code, out, err) = gatehouse(&s, &["reconcile", "--batch-size", "200"]).await;
        assert_eq!(code, 0, "{err}");
        assert!(err.contains("dry run") && err.contains("external users in"), "{err}");
        assert!(out.contains("batches of 200"), "{out}");
        let ada_line = out.lines().find(|l| l.starts_with(&ada.subject())).expect(&out);
        assert!(ada_line.contains("reenabled") && ada_line.contains("repair: deprovision"), "{out}");
        assert!(ada_line.contains("record deactivated, org active"), "{out}");
        assert!(out.contains("(adoptable as walk-in-9)"), "{out}");
        assert!(out.contains("--apply enqueues the repairs"), "{out}");
        s.settle().await;
        assert_eq!(s.org.record("User", &user).await.unwrap()["IsActive"], true, "a dry run changes nothing");

        let (code, out, err) = gatehouse(&s, &["reconcile", "--apply", "--output", "json"]).await;
        assert_eq!(code, 0, "{err}");
        let report: Value = serde_json::from_str(&out).expect("JSON on standard output");
        assert_eq!(report["applied"], true);
        assert_eq!(about(&report, &ada.subject()), vec![("reenabled".into(), "repaired".into())]);
        s.settle().await;
        assert_eq!(s.org.record("User", &user).await.unwrap()["IsActive"], false);

        let (code, out, _) = gatehouse(&s, &["reconcile", "show"]).await;
        assert_eq!(code, 0);
        assert!(out.contains(&format!("reconciliation {}", report["run_id"].as_str().unwrap())), "{out}");

        let org_id = unmanaged(&report, &stranger).unwrap()["user_id"].as_str().unwrap().to_owned();
        let (code, out, err) = gatehouse(&s, &["reconcile", "adopt", &org_id]).await;
        assert_eq!(code, 0, "{err}");
        assert!(out.contains("as walk-in-9 (provisioned), by bob"), "{out}");
        let (code, _, err) = gatehouse(&s, &["reconcile", "adopt", &org_id]).await;
        assert_eq!(code, 1, "adopted twice: {err}");
        assert!(err.contains("cannot be adopted"), "{err}");

        let (code, out, _) = gatehouse(&s, &["reconcile", "--help"]).await;
        assert_eq!(code, 0);
        for needle in ["--apply", "--batch-size", "adopt", "Exit codes", "dry run"] {
            assert!(out.contains(needle), "{needle}: {out}");
        }
        let (code, _, err) = gatehouse(&s, &["reconcile", "--batch-size", "50"]).await;
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("200..=2000") || err.contains("200"), "{err}");
    }
}
