//! Calls cut off mid-way: carried out with the answer lost (`drop_after`), or held and never
//! carried out (`stall`), as a caller sees when its process or network dies during a call.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::{self, TestOrg};

async fn arm(org: &TestOrg, script: Value) {
    let answer = org
        .control(Method::POST, "/faults/script", Some(script))
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{:?}", answer.body);
}

/// Contacts whose last name is `last`, from the state dump.
async fn contacts_named(org: &TestOrg, last: &str) -> usize {
    let state = org.control(Method::GET, "/state", None).await;
    state.body["org"]["records"]["Contact"]
        .as_array()
        .map(|all| all.iter().filter(|c| c["LastName"] == last).count())
        .unwrap_or(0)
}

#[tokio::test]
async fn a_drop_after_carries_the_call_out_and_loses_its_answer() {
    let org = support::start().await;
    let client = org.client().await;
    arm(
        &org,
        json!({"method": "POST", "path": "/sobjects/Contact", "kind": "drop_after"}),
    )
    .await;

    let lost = client
        .try_send(
            Method::POST,
            "/sobjects/Contact",
            Some(json!({"LastName": "Babbage"})),
        )
        .await;

    assert!(lost.is_err(), "no answer reaches the caller");
    assert_eq!(
        contacts_named(&org, "Babbage").await,
        1,
        "but the Contact exists"
    );
    let log = org.control(Method::GET, "/requests", None).await;
    let entry = log
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["endpoint"] == "POST /sobjects/{type}")
        .cloned()
        .unwrap();
    assert_eq!(entry["dropped"], true);
    // The next call is answered normally.
    let answer = client
        .post("/sobjects/Contact", json!({"LastName": "Babbage"}))
        .await;
    assert_eq!(answer.status, StatusCode::CREATED);
}

#[tokio::test]
async fn a_stalled_call_is_held_until_the_scripts_are_cleared_and_never_carried_out() {
    let org = support::start().await;
    let client = org.client().await;
    arm(
        &org,
        json!({"method": "POST", "path": "/sobjects/Contact", "kind": "stall"}),
    )
    .await;

    let held = tokio::spawn({
        let client = client.clone();
        async move {
            client
                .try_send(
                    Method::POST,
                    "/sobjects/Contact",
                    Some(json!({"LastName": "Lovelace"})),
                )
                .await
        }
    });
    // The script is used up once the call is caught.
    let mut caught = false;
    for _ in 0..3000 {
        let scripts = org.control(Method::GET, "/faults/script", None).await;
        if scripts.body.as_array().is_some_and(Vec::is_empty) {
            caught = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert!(caught, "the call reached the org");
    assert!(!held.is_finished(), "the caught call waits unanswered");

    org.control(Method::DELETE, "/faults/script", None).await;
    let outcome = held.await.unwrap();
    assert!(outcome.is_err(), "the connection closes without an answer");
    assert_eq!(
        contacts_named(&org, "Lovelace").await,
        0,
        "never carried out"
    );
}
