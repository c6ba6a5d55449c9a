//! Scripted and random faults, latency, and dropped connections.

use std::time::{Duration, Instant};

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sfsim::{FaultRates, SimConfig};

use crate::support::{self, TestOrg};

async fn arm(org: &TestOrg, script: Value) -> Value {
    let answer = org
        .control(Method::POST, "/faults/script", Some(script))
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
    answer.body
}

#[tokio::test]
async fn a_script_fails_exactly_its_count_of_concurrent_calls() {
    let org = support::start().await;
    let client = org.client().await;
    arm(
        &org,
        json!({"method": "GET", "path": "/limits", "count": 5, "status": 503,
               "errorCode": "SERVER_UNAVAILABLE", "message": "Down for maintenance"}),
    )
    .await;
    let calls = (0..20).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.get("/limits").await })
    });
    let answers = futures::future::join_all(calls).await;
    let mut failed = 0;
    for answer in answers {
        let answer = answer.unwrap();
        if answer.status == StatusCode::SERVICE_UNAVAILABLE {
            failed += 1;
            assert_eq!(
                answer.body,
                json!([{"message": "Down for maintenance", "errorCode": "SERVER_UNAVAILABLE", "fields": []}])
            );
            assert!(answer.limit_info().is_some());
        } else {
            assert_eq!(answer.status, StatusCode::OK);
        }
    }
    assert_eq!(failed, 5);
    let left = org.control(Method::GET, "/faults/script", None).await;
    assert_eq!(left.body, json!([]));
}

#[tokio::test]
async fn a_script_catches_only_its_method_and_path() {
    let org = support::start().await;
    let client = org.client().await;
    arm(
        &org,
        json!({"method": "POST", "path": "/limits", "errorCode": "UNABLE_TO_LOCK_ROW"}),
    )
    .await;
    assert_eq!(client.get("/limits").await.status, StatusCode::OK);
    let caught = client.post("/limits", json!({})).await;
    assert_eq!(caught.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        caught.body,
        json!([{"message": "unable to obtain exclusive access to this record or 1 records",
                "errorCode": "UNABLE_TO_LOCK_ROW", "fields": []}])
    );
}

#[tokio::test]
async fn a_path_catches_itself_and_what_lies_under_it() {
    let org = support::start().await;
    let client = org.client().await;
    arm(&org, json!({"path": "/limits", "count": 2})).await;
    let listed = org.control(Method::GET, "/faults/script", None).await;
    assert_eq!(listed.body[0]["remaining"], 2);
    assert_eq!(
        client.get("/limits/").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(
        client.get("/limits").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(client.get("/limits").await.status, StatusCode::OK);
}

#[tokio::test]
async fn scripts_can_be_disarmed_one_or_all() {
    let org = support::start().await;
    let client = org.client().await;
    let first = arm(&org, json!({"path": "/limits"})).await;
    arm(&org, json!([{"path": "/limits"}, {"path": "/limits"}])).await;
    let id = first["id"].as_u64().unwrap();
    let one = org
        .control(Method::DELETE, &format!("/faults/script/{id}"), None)
        .await;
    assert_eq!(one.status, StatusCode::OK);
    let again = org
        .control(Method::DELETE, &format!("/faults/script/{id}"), None)
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    let all = org.control(Method::DELETE, "/faults/script", None).await;
    assert_eq!(all.body, json!({"removed": 2}));
    assert_eq!(client.get("/limits").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_list_with_one_bad_script_arms_none() {
    let org = support::start().await;
    let answer = org
        .control(
            Method::POST,
            "/faults/script",
            Some(json!([{"path": "/limits"}, {"path": "/limits", "status": 200}])),
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(
        answer.body["message"]
            .as_str()
            .unwrap()
            .contains("script 1")
    );
    let listed = org.control(Method::GET, "/faults/script", None).await;
    assert_eq!(listed.body, json!([]));
}

#[tokio::test]
async fn a_scripted_drop_closes_the_connection_without_an_answer() {
    let org = support::start().await;
    let client = org.client().await;
    arm(&org, json!({"path": "/limits", "kind": "drop"})).await;
    let dropped = client.try_send(Method::GET, "/limits", None).await;
    let error = dropped.expect_err("the connection is dropped");
    assert!(!error.is_status() && !error.is_decode(), "{error:?}");
    // The next call is answered normally, and the log shows the drop.
    assert_eq!(client.get("/limits").await.status, StatusCode::OK);
    let log = org.control(Method::GET, "/requests", None).await;
    let entries = log.body.as_array().unwrap();
    let drop = entries
        .iter()
        .find(|e| e["dropped"] == json!(true))
        .expect("the drop is logged");
    assert_eq!(drop["status"], Value::Null);
    assert_eq!(drop["endpoint"], "GET /limits");
}

#[tokio::test]
async fn the_token_endpoint_can_be_scripted_too() {
    let org = support::start().await;
    arm(
        &org,
        json!({"method": "POST", "path": "/services/oauth2/token", "status": 503}),
    )
    .await;
    let refused = org.client_credentials().await;
    assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(refused.body["error"], "SERVER_UNAVAILABLE");
    assert_eq!(org.client_credentials().await.status, StatusCode::OK);
}

/// Statuses of `n` sequential calls.
async fn statuses(org: &TestOrg, n: usize) -> Vec<u16> {
    let client = org.client().await;
    let mut seen = Vec::with_capacity(n);
    for _ in 0..n {
        seen.push(client.get("/limits").await.status.as_u16());
    }
    seen
}

fn faulty(seed: u64) -> SimConfig {
    SimConfig {
        seed: Some(seed),
        fault_rates: FaultRates {
            server_unavailable: 0.3,
            unable_to_lock_row: 0.2,
            drop: 0.0,
        },
        ..SimConfig::default()
    }
}

#[tokio::test]
async fn the_same_seed_gives_the_same_faults() {
    let first = support::start_with(faulty(42)).await;
    let second = support::start_with(faulty(42)).await;
    let a = statuses(&first, 40).await;
    let b = statuses(&second, 40).await;
    assert_eq!(a, b);
    assert!(
        a.contains(&503) && a.contains(&400) && a.contains(&200),
        "{a:?}"
    );
    // Setting the seed again replays the sequence.
    let reseed = first
        .control(Method::PUT, "/faults", Some(json!({"seed": 42})))
        .await;
    assert_eq!(reseed.status, StatusCode::OK);
    assert_eq!(statuses(&first, 40).await, a);
    let other = support::start_with(faulty(43)).await;
    assert_ne!(statuses(&other, 40).await, a);
}

#[tokio::test]
async fn every_call_can_be_made_to_drop() {
    let org = support::start_with(SimConfig {
        fault_rates: FaultRates {
            drop: 1.0,
            ..FaultRates::default()
        },
        ..SimConfig::default()
    })
    .await;
    let client = org.client().await;
    for _ in 0..3 {
        assert!(client.try_send(Method::GET, "/limits", None).await.is_err());
    }
    let off = org
        .control(Method::PUT, "/faults", Some(json!({"drop_rate": 0.0})))
        .await;
    assert_eq!(off.body["drop_rate"], 0.0);
    assert_eq!(client.get("/limits").await.status, StatusCode::OK);
}

#[tokio::test]
async fn latency_delays_each_data_call_at_least_as_configured() {
    let org = support::start_with(SimConfig {
        latency: Duration::from_millis(200),
        jitter: Duration::from_millis(50),
        ..SimConfig::default()
    })
    .await;
    let client = org.client().await;
    let started = Instant::now();
    assert_eq!(client.get("/limits").await.status, StatusCode::OK);
    assert!(started.elapsed() >= Duration::from_millis(200));
    org.control(
        Method::PUT,
        "/faults",
        Some(json!({"latency_ms": 400, "jitter_ms": 0})),
    )
    .await;
    let started = Instant::now();
    client.get("/limits").await;
    assert!(started.elapsed() >= Duration::from_millis(400));
}

#[tokio::test]
async fn fault_settings_are_checked_before_they_apply() {
    let org = support::start().await;
    let before = org.control(Method::GET, "/faults", None).await;
    for bad in [
        json!({"drop_rate": 1.5}),
        json!({"server_unavailable_rate": 0.6, "unable_to_lock_row_rate": 0.6}),
        json!({"latency_ms": 3_600_000}),
        json!({"latency": 5}),
        json!("fast"),
    ] {
        let answer = org.control(Method::PUT, "/faults", Some(bad.clone())).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(answer.body["error"], "bad_request");
        assert!(
            answer.body["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty())
        );
    }
    assert_eq!(
        org.control(Method::GET, "/faults", None).await.body,
        before.body
    );
}
