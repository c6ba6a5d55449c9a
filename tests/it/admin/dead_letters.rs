//! Dead letters: listed with Salesforce's reason, replayed once the cause is fixed, and never
//! replayed twice.

use crate::on_both_stores;
use serde_json::{Value, json};

use super::app::{ALICE, AdminApp, OrgSession, spawn};

on_both_stores! {
    async fn a_dead_letter_is_listed_with_its_reason_and_replayed_once_the_cause_is_fixed() {
        let app = spawn().await;
        // N-300 is no partner Account (and its owner holds no role): no partner user can live there.
        app.sign_up("u-300", "N-300").await;
        let commands = app.settled_commands("partner-portal:u-300").await;
        let dead = &commands[0];
        assert_eq!(dead["outcome"]["kind"], "dead_lettered", "{dead}");
        let dead_id = dead["id"].as_str().unwrap().to_owned();
        assert_listed_alone_with_its_reason(&app, dead).await;

        fix_the_partner_account(&app.org_url).await;
        let replay_id = replay_as_alice(&app, &dead_id).await;

        let record = app.command_in_state(&replay_id, "done").await;
        assert_eq!(record["outcome"]["kind"], "succeeded", "{record}");
        assert_eq!(record["replay_of"], dead_id.as_str());
        assert_eq!(
            record["intent"], dead["intent"],
            "the same intent ran again"
        );
        assert_provisioned_with_the_replay_on_the_history(&app, &dead_id).await;
        assert_no_second_replay(&app, &dead_id, &replay_id).await;
        app.stop().await;
    }
}

/// The dead letter is the only one listed, with Salesforce's refusal code.
async fn assert_listed_alone_with_its_reason(app: &AdminApp, dead: &Value) {
    let code = dead["outcome"]["refusal"]["code"].as_str().unwrap();
    let (status, page) = app.get("/v1/dead-letters").await;
    assert_eq!(status, 200);
    let listed: Vec<&Value> = page["items"].as_array().unwrap().iter().collect();
    assert_eq!(listed.len(), 1, "{page}");
    assert_eq!(listed[0]["id"], dead["id"]);
    assert_eq!(listed[0]["outcome"]["refusal"]["code"], code);
}

/// The cause is fixed in the org: the Account N-300 becomes a partner Account, its owner gets a
/// role.
async fn fix_the_partner_account(org_url: &str) {
    let org = OrgSession::open(org_url).await;
    let account = &org
        .query("SELECT Id FROM Account WHERE Gatehouse_Key__c = 'N-300'")
        .await[0]["Id"];
    org.update(
        "Account",
        account.as_str().unwrap(),
        json!({"IsPartner": true}),
    )
    .await;
    let role = &org
        .query("SELECT Id FROM UserRole WHERE Name = 'Channel Manager'")
        .await[0]["Id"];
    let owner = &org
        .query("SELECT Id FROM User WHERE Username = 'owner.norole@gatehouse.sfsim'")
        .await[0]["Id"];
    org.update("User", owner.as_str().unwrap(), json!({"UserRoleId": role}))
        .await;
}

/// Alice replays the dead letter: accepted, a new command that names what it replays, and
/// where to find it. Answers the new command's id.
async fn replay_as_alice(app: &AdminApp, dead_id: &str) -> String {
    let response = app
        .admin_as(
            ALICE,
            reqwest::Method::POST,
            &format!("/v1/commands/{dead_id}/replay"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 202);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let replayed: Value = response.json().await.unwrap();
    let replay_id = replayed["command_id"].as_str().unwrap().to_owned();
    assert_ne!(replay_id, dead_id);
    assert_eq!(replayed["replay_of"], dead_id);
    assert_eq!(location, format!("/v1/commands/{replay_id}"));
    replay_id
}

/// u-300 is provisioned, and Alice's replay is on their history.
async fn assert_provisioned_with_the_replay_on_the_history(app: &AdminApp, dead_id: &str) {
    let (_, subject) = app.get("/v1/subjects/partner-portal:u-300").await;
    assert_eq!(subject["state"], "provisioned");
    let operator = subject["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["kind"] == "operator")
        .expect("the replay is on the history");
    assert_eq!(operator["actor"], "alice");
    assert_eq!(operator["detail"]["replay_of"], dead_id);
}

/// Replaying the same dead letter again would run it twice: refused, naming the replay; and
/// neither a command that succeeded nor an unknown id is replayed.
async fn assert_no_second_replay(app: &AdminApp, dead_id: &str, replay_id: &str) {
    let (status, again) = app
        .post(&format!("/v1/commands/{dead_id}/replay"), Value::Null)
        .await;
    assert_eq!(status, 409);
    assert_eq!(again["reason"], "already_replayed");
    assert!(
        again["detail"].as_str().unwrap().contains(replay_id),
        "{again}"
    );
    // A command that succeeded is no dead letter.
    let (status, refused) = app
        .post(&format!("/v1/commands/{replay_id}/replay"), Value::Null)
        .await;
    assert_eq!(status, 409);
    assert_eq!(refused["reason"], "not_dead_lettered");
    // An id that names nothing.
    let (status, unknown) = app
        .post(
            "/v1/commands/cmd_0193a6f2-3b1c-7d4e-9f00-1a2b3c4d5e6f/replay",
            Value::Null,
        )
        .await;
    assert_eq!(status, 404);
    assert_eq!(unknown["reason"], "unknown_command");
}
