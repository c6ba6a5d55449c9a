//! Licence hygiene end to end: twelve partners sign up, a third of them never log in again,
//! and the reclaim (dry run, then applied) freezes exactly those, minus the exemptions; the
//! licence report's figures are checked against the same org.

use std::sync::Arc;
use std::sync::atomic::AtomicU32;

use chrono::{DateTime, TimeDelta, Utc};
use gatehouse::domain::OutcomeKind;
use serde_json::{Value, json};

use super::{Partner, Scenario, Setup, assert_kind, scenario_app};
use crate::on_both_stores;

const TOKEN: &str = "licence-test-token-0123456789";

/// Freeze after 90 days; exempt a profile, a permission set and a subject prefix.
const LICENCES: &str = r#"
[licences]
reclaim_after_days = 90
action = "freeze"
exempt_profiles = ["Acme Partner Community User"]
exempt_permission_sets = ["Partner_Deal_Registration"]
exempt_subject_prefixes = ["partner-portal:vip-"]
"#;

fn partner(id: &str) -> Partner {
    Partner::new(id, "P-100", "Idle", id, &format!("{id}@partner.example"))
}

/// Who signs up, with what extra data; the first six never log in after signing up.
fn people() -> Vec<(Partner, Value)> {
    let mut people = vec![
        (partner("idle-1"), json!({})),
        (partner("idle-2"), json!({})),
        (partner("idle-3"), json!({})),
        (partner("vip-4"), json!({})),
        (
            partner("idle-5"),
            json!({"profile": "Acme Partner Community User"}),
        ),
        (
            partner("idle-6"),
            json!({"extra_set": "Partner_Deal_Registration"}),
        ),
    ];
    for n in 7..=18 {
        people.push((partner(&format!("busy-{n}")), json!({})));
    }
    people
}

async fn start() -> Scenario {
    let setup = Setup::default();
    let app = scenario_app(&setup)
        .admin_token(TOKEN)
        .config(LICENCES)
        .spawn()
        .await;
    Scenario::on(app, setup, Arc::new(AtomicU32::new(0)))
}

/// Everyone signs up at `start`; 100 days later the busy ones log in (one of the idle ones
/// logged in once, 95 days before), and both clocks stand 100 days on.
async fn a_hundred_days_on(s: &Scenario) -> Vec<(Partner, String)> {
    let start = s.now();
    pin_org_clock(s, start).await;
    let mut users = Vec::new();
    for (person, extra) in people() {
        s.send_and_settle("partner-portal", &person.signed_up(s.now(), extra))
            .await;
        let outcome = s.last_outcome(&person.subject()).await;
        assert_kind(&outcome, OutcomeKind::Succeeded);
        users.push((person, outcome.salesforce.user_id.clone().unwrap()));
    }
    let later = start + TimeDelta::days(100);
    pin_org_clock(s, later).await;
    s.advance(TimeDelta::days(100));
    let busy: Vec<&str> = users
        .iter()
        .filter(|(p, _)| p.subject().contains(":busy-"))
        .map(|(_, id)| id.as_str())
        .collect();
    let logins = s
        .org
        .control(reqwest::Method::POST, "/logins", json!({"users": busy}))
        .await;
    assert_eq!(logins["logged_in"], 12, "{logins}");
    let once = &users[1].1;
    let old = s
        .org
        .control(
            reqwest::Method::POST,
            "/logins",
            json!({"user": once, "at": start + TimeDelta::days(5)}),
        )
        .await;
    assert_eq!(old["logged_in"], 1, "{old}");
    users
}

async fn pin_org_clock(s: &Scenario, at: DateTime<Utc>) {
    s.org
        .control(reqwest::Method::PUT, "/clock", json!({"now": at}))
        .await;
}

async fn admin(s: &Scenario, method: reqwest::Method, path: &str) -> Value {
    let response = s
        .app
        .client
        .request(method, format!("{}{path}", s.app.base))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success(),
        "{path}: {}",
        response.status()
    );
    response.json().await.unwrap()
}

fn subjects(list: &Value) -> Vec<String> {
    let mut subjects: Vec<String> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["subject"].as_str().unwrap().to_owned())
        .collect();
    subjects.sort();
    subjects
}

async fn frozen(s: &Scenario, users: &[(Partner, String)]) -> Vec<String> {
    let mut frozen = Vec::new();
    for (person, user) in users {
        if s.login_of(user).await["IsFrozen"] == true {
            frozen.push(person.subject());
        }
    }
    frozen.sort();
    frozen
}

on_both_stores! {
    async fn a_reclaim_freezes_exactly_the_inactive_third_minus_the_exemptions() {
        let s = start().await;
        let users = a_hundred_days_on(&s).await;
        let idle = ["partner-portal:idle-1", "partner-portal:idle-2", "partner-portal:idle-3"];

        // The dry run: the plan, and nothing changed. (The first read after the clocks moved
        // 100 days also polls the daily allowance: the second shows the read's own cost.)
        admin(&s, reqwest::Method::POST, "/v1/licences/reclaim").await;
        let calls = s.org.api_calls().await;
        let plan = admin(&s, reqwest::Method::POST, "/v1/licences/reclaim").await;
        assert_eq!(plan["applied"], false);
        assert_eq!(plan["action"], "freeze");
        assert_eq!(subjects(&plan["reclaim"]), idle);
        assert_eq!(
            subjects(&plan["exempt"]),
            ["partner-portal:idle-5", "partner-portal:idle-6", "partner-portal:vip-4"]
        );
        assert_eq!(plan["commands"], json!([]));
        // The licences, the permission set's holders, the users: a page each.
        assert_eq!(plan["org_calls"], 3, "{plan:#}");
        assert_eq!(s.org.api_calls().await - calls, 3);
        assert!(frozen(&s, &users).await.is_empty());

        // Applied: one freeze per idle person, through the queue, with actor reclaim.
        let run = admin(&s, reqwest::Method::POST, "/v1/licences/reclaim?apply=true").await;
        assert_eq!(run["applied"], true);
        assert_eq!(run["commands"].as_array().unwrap().len(), 3);
        s.settle().await;
        assert_eq!(frozen(&s, &users).await, idle);
        for subject in idle {
            let command = s.commands(subject).await.pop().unwrap();
            assert_eq!(command.command.origin.actor.as_deref(), Some("reclaim"));
            assert_eq!(command.command.origin.source, "reclaim");
            let outcome = s.last_outcome(subject).await;
            assert_kind(&outcome, OutcomeKind::Succeeded);
            let record = s.subject(subject).await;
            assert_eq!(
                record.deactivation_trigger.as_deref(),
                Some("licence reclaim: no login for 90 days")
            );
        }
        // A freeze keeps the licence: all eighteen still hold one.
        assert_eq!(s.org.licence("Partner Community").await.used, 18);

        // Run again: the frozen are Gatehouse's own now, nobody is left to reclaim.
        let again = admin(&s, reqwest::Method::POST, "/v1/licences/reclaim").await;
        assert_eq!(again["reclaim"], json!([]));
    }
}

on_both_stores! {
    async fn the_licence_report_counts_the_managed_the_others_and_the_inactive() {
        let s = start().await;
        let users = a_hundred_days_on(&s).await;
        // Someone Gatehouse does not manage holds a Partner Community licence too.
        let outsider = s.org.records_where("User", "Username", "robin.existing@contoso.example.sfsim").await;
        assert_eq!(outsider.len(), 1);

        let report = admin(&s, reqwest::Method::GET, "/v1/licences").await;
        assert_eq!(report["reclaim_after_days"], 90);
        let line = |name: &str| -> Value {
            report["licences"]
                .as_array()
                .unwrap()
                .iter()
                .find(|l| l["licence"] == name)
                .cloned()
                .unwrap_or_else(|| panic!("{name}: {report:#}"))
        };
        let partners = line("Partner Community");
        assert_eq!(partners["kind"], "member-based");
        assert_eq!(partners["total"], 50);
        assert_eq!(partners["used"], 18);
        assert_eq!(partners["managed"], 18);
        assert_eq!(partners["others"], 0);
        assert_eq!(partners["inactive"], 6);
        let plus = line("Customer Community Plus");
        assert_eq!((plus["used"].as_i64(), plus["managed"].as_i64(), plus["others"].as_i64()), (Some(1), Some(0), Some(1)));

        let people = report["people"].as_array().unwrap();
        assert_eq!(people.len(), users.len());
        let idle = people.iter().find(|p| p["subject"] == "partner-portal:idle-2").unwrap();
        assert_eq!(idle["inactive"], true);
        assert_eq!(idle["account"], "key:P-100");
        assert_eq!(idle["purpose"], "partner portal user of partner P-100");
        assert!(idle["last_login"].as_str().is_some(), "{idle:#}");
        let busy = people.iter().find(|p| p["subject"] == "partner-portal:busy-7").unwrap();
        assert_eq!(busy["inactive"], false);

        // The same as CSV.
        let csv = s
            .app
            .client
            .get(format!("{}/v1/licences?format=csv", s.app.base))
            .bearer_auth(TOKEN)
            .send()
            .await
            .unwrap();
        assert_eq!(csv.headers()["content-type"], "text/csv; charset=utf-8");
        let text = csv.text().await.unwrap();
        assert!(text.starts_with("licence,kind,total,used,managed,others,inactive\r\n"), "{text}");
        assert!(text.contains("\r\nPartner Community,member-based,50,18,18,0,6\r\n"), "{text}");
        assert!(text.contains("\r\nsubject,state,licence,purpose,sponsor,account,last_login,ends_at,inactive\r\n"));
        assert_eq!(text.matches("partner-portal:").count(), 18);
    }
}
