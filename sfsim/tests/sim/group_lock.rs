//! The group-membership lock: a collection create of role-based users overlapping another is
//! refused record by record with `UNABLE_TO_LOCK_ROW`, and the control endpoint forces it for
//! the next N such creates.

use serde_json::{Value, json};

use crate::org_client::{Client, start, user_body};

/// A collection creating partner users on new Contacts of the partner Account.
async fn partner_users(sim: &Client, names: &[&str]) -> Value {
    let profile = sim.id_where("Profile", "Name", "Partner Community User");
    let mut records = Vec::new();
    for name in names {
        let contact = sim.contact("P-100", name).await;
        let mut user = user_body(&profile, &contact, &format!("{name}@lock.example"));
        user["attributes"] = json!({"type": "User"});
        records.push(user);
    }
    json!({"allOrNone": false, "records": records})
}

fn codes(answer: &Value) -> Vec<String> {
    answer
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            r["errors"][0]["statusCode"]
                .as_str()
                .unwrap_or("saved")
                .to_owned()
        })
        .collect()
}

async fn control(sim: &Client, method: reqwest::Method, body: Option<Value>) -> Value {
    let mut request = reqwest::Client::new().request(
        method,
        format!("{}/__sim/faults/group-lock", sim.handle.base_url),
    );
    if let Some(body) = body {
        request = request.json(&body);
    }
    let answer = request.send().await.expect("control answers");
    assert!(answer.status().is_success(), "{}", answer.status());
    answer.json().await.expect("json")
}

fn users_named(sim: &Client, suffix: &str) -> usize {
    sim.org()
        .records_of("User")
        .filter(|u| u.text("Username").is_some_and(|n| n.ends_with(suffix)))
        .count()
}

#[tokio::test]
async fn a_forced_refusal_fails_every_record_and_saves_nothing_then_the_retry_saves() {
    let sim = start().await;
    let body = partner_users(&sim, &["LockOne", "LockTwo"]).await;
    let forced = control(&sim, reqwest::Method::PUT, Some(json!({"count": 1}))).await;
    assert_eq!(forced["forced_remaining"], json!(1));

    let refused = sim.post("/composite/sobjects", body.clone()).await;
    assert_eq!(refused.status, 200);
    assert_eq!(
        codes(&refused.body),
        ["UNABLE_TO_LOCK_ROW", "UNABLE_TO_LOCK_ROW"]
    );
    assert_eq!(users_named(&sim, "@lock.example"), 0);

    let retried = sim.post("/composite/sobjects", body).await;
    assert_eq!(codes(&retried.body), ["saved", "saved"], "{}", retried.body);
    assert_eq!(users_named(&sim, "@lock.example"), 2);
    let view = control(&sim, reqwest::Method::GET, None).await;
    assert_eq!(
        view,
        json!({"held": false, "forced_remaining": 0, "refused": 1})
    );
}

#[tokio::test]
async fn creates_without_role_based_users_do_not_take_the_lock() {
    let sim = start().await;
    control(&sim, reqwest::Method::PUT, Some(json!({"count": 1}))).await;
    let account = sim.id_where("Account", "Gatehouse_Key__c", "P-100");
    let contacts = json!({"records": [
        {"attributes": {"type": "Contact"}, "LastName": "NoLock", "AccountId": account},
    ]});
    let answer = sim.post("/composite/sobjects", contacts).await;
    assert_eq!(codes(&answer.body), ["saved"]);
    let view = control(&sim, reqwest::Method::GET, None).await;
    assert_eq!(
        view["forced_remaining"],
        json!(1),
        "still waiting for a role-based create"
    );
}

#[tokio::test]
async fn two_overlapping_creates_of_partner_users_one_is_refused() {
    let sim = start().await;
    let first = partner_users(&sim, &["OverlapA1", "OverlapA2"]).await;
    let second = partner_users(&sim, &["OverlapB1", "OverlapB2"]).await;
    // Each create holds the lock for its latency; sent together, they overlap.
    let faults = reqwest::Client::new()
        .put(format!("{}/__sim/faults", sim.handle.base_url))
        .json(&json!({"latency_ms": 1500}))
        .send()
        .await
        .expect("faults set");
    assert!(faults.status().is_success());
    let (a, b) = tokio::join!(
        sim.post("/composite/sobjects", first),
        sim.post("/composite/sobjects", second)
    );
    let mut outcomes = [codes(&a.body), codes(&b.body)];
    outcomes.sort();
    assert_eq!(
        outcomes,
        [
            vec![
                "UNABLE_TO_LOCK_ROW".to_owned(),
                "UNABLE_TO_LOCK_ROW".to_owned()
            ],
            vec!["saved".to_owned(), "saved".to_owned()]
        ]
    );
    assert_eq!(users_named(&sim, "@lock.example"), 2);
}
