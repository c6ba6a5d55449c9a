//! The audit trail: an operator's action and a viewer's read of a person's record are kept
//! with who, their roles, what, about whom and why; listed newest first to admins only, over
//! HTTP and by `gatehouse audit`.

use std::process::Stdio;

use serde_json::{Value, json};

use crate::admin::app::{ALICE, CAROL, TOKEN, spawn};

#[tokio::test]
async fn actions_and_reads_of_a_person_are_kept_with_who_what_and_why() {
    let app = spawn().await;
    let lockout = app
        .admin_as(
            ALICE,
            reqwest::Method::POST,
            "/v1/subjects/partner-portal:u-1/deprovision",
        )
        .header("x-gatehouse-reason", "security incident INC-42")
        .json(&json!({"mode": "freeze", "trigger": "incident"}))
        .send()
        .await
        .unwrap();
    assert_eq!(lockout.status(), 202);
    let read = app
        .admin_as(
            CAROL,
            reqwest::Method::GET,
            "/v1/subjects/partner-portal:u-1",
        )
        .send()
        .await
        .unwrap();
    assert_eq!(read.status(), 200);
    let refused = app
        .admin_as(CAROL, reqwest::Method::GET, "/v1/audit")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403, "the trail is for admins");

    let (status, page) = app.get("/v1/audit?limit=10").await;
    assert_eq!(status, 200, "{page}");
    let items = page["items"].as_array().unwrap();
    let actors: Vec<&str> = items.iter().map(|e| e["actor"].as_str().unwrap()).collect();
    assert_eq!(
        actors,
        ["admin", "carol", "alice"],
        "newest first, the refused read left out"
    );
    let (carols, alices) = (&items[1], &items[2]);
    assert_eq!(alices["roles"], "operator");
    assert_eq!(alices["action"], "POST /v1/subjects/{key}/deprovision");
    assert_eq!(alices["subject_key"], "partner-portal:u-1");
    assert_eq!(alices["reason"], "security incident INC-42");
    assert_eq!(carols["action"], "GET /v1/subjects/{key}");
    assert_eq!(carols["reason"], Value::Null);

    // Looking the person up in the trail is itself kept, about them.
    let (_, about) = app.get("/v1/audit?subject=partner-portal:u-1").await;
    let actions: Vec<&str> = about["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "GET /v1/audit",
            "GET /v1/subjects/{key}",
            "POST /v1/subjects/{key}/deprovision"
        ]
    );

    let out = audit_from_the_command_line(&app.base).await;
    assert!(
        out.contains("alice (operator) POST /v1/subjects/{key}/deprovision"),
        "{out}"
    );
    assert!(out.contains("— security incident INC-42"), "{out}");
    let (_, page) = app.get("/v1/audit?actor=admin&limit=2").await;
    assert_eq!(
        page["items"][1]["reason"], "monthly review",
        "the command line's own request: {page}"
    );
    app.stop().await;
}

/// `gatehouse audit --actor alice --reason "monthly review"` as the admin; its standard output.
async fn audit_from_the_command_line(base: &str) -> String {
    let output = tokio::process::Command::new(env!("CARGO_BIN_EXE_gatehouse"))
        .args([
            "audit",
            "--actor",
            "alice",
            "--url",
            base,
            "--reason",
            "monthly review",
        ])
        .env("GATEHOUSE_ADMIN_TOKEN", TOKEN)
        .env_remove("GATEHOUSE_URL")
        .stdin(Stdio::null())
        .output()
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}
