//! Named tokens: each token's name is the actor the records keep, whatever the request says;
//! a token given only as its SHA-256 works; the shared token is the operator `admin`.

use serde_json::json;
use sha2::{Digest, Sha256};

use crate::admin::app::{ALICE, OPERATORS, TOKEN, spawn, spawn_on};
use crate::support::TestApp;

#[tokio::test]
async fn the_token_names_the_actor_and_a_header_claiming_another_is_ignored() {
    let app = spawn().await;
    let response = app
        .admin_as(
            ALICE,
            reqwest::Method::POST,
            "/v1/subjects/partner-portal:u-1/deprovision",
        )
        .header("x-gatehouse-actor", "mallory")
        .json(&json!({"mode": "freeze", "trigger": "incident"}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let queued: serde_json::Value = response.json().await.unwrap();
    let (_, record) = app
        .get(&format!(
            "/v1/commands/{}",
            queued["command_id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(record["origin"]["actor"], "alice", "{record}");

    let (status, shared) = app
        .post(
            "/v1/subjects/partner-portal:u-2/deprovision",
            json!({"trigger": "incident"}),
        )
        .await;
    assert_eq!(status, 202, "{shared}");
    let (_, record) = app
        .get(&format!(
            "/v1/commands/{}",
            shared["command_id"].as_str().unwrap()
        ))
        .await;
    assert_eq!(
        record["origin"]["actor"], "admin",
        "the shared token is the operator admin"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_token_given_as_its_digest_opens_the_routes_of_its_role() {
    let digest = hex::encode(Sha256::digest(b"dave-digest-token-0123456789"));
    let operators = format!(
        "{OPERATORS}\n[[admin.operators]]\nname = \"dave\"\ntoken_sha256 = \"{digest}\"\nrole = \"viewer\"\n"
    );
    let app = spawn_on(TestApp::builder().admin(&operators)).await;
    let read = app
        .admin_as(
            "dave-digest-token-0123456789",
            reqwest::Method::GET,
            "/v1/subjects",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 200);
    let write = app
        .admin_as(
            "dave-digest-token-0123456789",
            reqwest::Method::POST,
            "/v1/parked/resume",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(write.status(), 403);
    // Without [admin] token, the quick start's token opens nothing.
    let shared = app
        .admin_as(TOKEN, reqwest::Method::GET, "/v1/subjects")
        .send()
        .await
        .unwrap();
    assert_eq!(shared.status(), 401);
    app.stop().await;
}
