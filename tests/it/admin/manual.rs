//! Manual commands: an operator locks someone out now, or admits someone no event named; both
//! through the queue, the executor and the records, with the operator as the actor.

use crate::on_both_stores;
use serde_json::{Value, json};

use super::app::{ALICE, OrgSession, spawn};

/// A provision as the API takes it: the domain's intent as JSON.
pub fn contractor(last_name: &str, account: &str, profile: &str) -> Value {
    let local = last_name.to_lowercase();
    json!({
        "account": {"key": account},
        "contact": {"first_name": "Casey", "last_name": last_name, "email": format!("{local}@contractor.example")},
        "user": {
            "username": format!("{local}@contractor.example.acme"),
            "alias": local.chars().take(8).collect::<String>(),
            "nickname": format!("casey.{local}"),
            "locale": "en_US", "time_zone": "GMT", "email_encoding": "UTF-8", "language": "en_US"
        },
        "profile": profile,
        "role": if profile.starts_with("Partner") { Value::from("user") } else { Value::Null },
        "welcome_email": "none",
        "purpose": "contractor on the migration project",
        "sponsor": "parker.owner"
    })
}

on_both_stores! {
    async fn an_operator_lockout_goes_through_the_executor_and_shows_on_the_history() {
        let app = spawn().await;
        app.sign_up("u-1", "P-100").await;
        app.settled_commands("partner-portal:u-1").await;

        let response = app
            .admin_as(
                ALICE,
                reqwest::Method::POST,
                "/v1/subjects/partner-portal:u-1/deprovision",
            )
            .json(&json!({"mode": "freeze", "trigger": "security incident INC-42"}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 202);
        let queued: Value = response.json().await.unwrap();
        assert_eq!(queued["intent"], "deprovision");
        assert_eq!(queued["subject"], "partner-portal:u-1");
        let id = queued["command_id"].as_str().unwrap();

        let record = app.command_in_state(id, "done").await;
        assert_eq!(record["outcome"]["kind"], "succeeded", "{record}");
        assert_eq!(record["origin"]["source"], "operator");
        assert_eq!(record["origin"]["actor"], "alice");
        assert_eq!(record["intent"]["mode"], "freeze");
        assert_eq!(
            record["outcome"]["licence_effect"],
            json!({"effect": "kept", "licence": "Partner Community"})
        );

        let (_, subject) = app.get("/v1/subjects/partner-portal:u-1").await;
        assert_eq!(subject["state"], "frozen");
        assert_eq!(subject["deactivation_trigger"], "security incident INC-42");
        let row = subject["history"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["kind"] == "command" && h["command_id"] == id)
            .expect("the lock-out is on the history");
        assert_eq!(row["actor"], "alice");
        assert_eq!(row["detail"]["mode"], "freeze");

        // The org agrees: the user can no longer log in.
        let org = OrgSession::open(&app.org_url).await;
        let user_id = subject["user_id"].as_str().unwrap();
        let logins = org
            .query(&format!(
                "SELECT IsFrozen FROM UserLogin WHERE UserId = '{user_id}'"
            ))
            .await;
        assert_eq!(logins[0]["IsFrozen"], true, "{logins:?}");
        app.stop().await;
    }
}

on_both_stores! {
    async fn a_manual_provision_admits_someone_no_event_named() {
        let app = spawn().await;
        let body = contractor("Morgan", "P-100", "Partner Community User");
        let (status, queued) = app
            .post("/v1/subjects/ops:contractor-7/provision", body)
            .await;
        assert_eq!(status, 202, "{queued}");
        assert_eq!(queued["intent"], "provision");
        let id = queued["command_id"].as_str().unwrap();
        let record = app.command_in_state(id, "done").await;
        assert_eq!(record["outcome"]["kind"], "succeeded", "{record}");
        assert_eq!(record["origin"]["actor"], "admin", "the default actor");

        let (_, subject) = app.get("/v1/subjects/ops:contractor-7").await;
        assert_eq!(subject["state"], "provisioned");
        assert_eq!(subject["source"], "operator");
        assert_eq!(subject["purpose"], "contractor on the migration project");
        assert_eq!(subject["sponsor"], "parker.owner");
        assert_eq!(subject["licence"], "Partner Community");
        app.stop().await;
    }
}

on_both_stores! {
    async fn a_provision_with_an_end_schedules_the_deactivation() {
        let app = spawn().await;
        let mut body = contractor("Quinn", "P-100", "Partner Community User");
        body["end_at"] = json!("2099-12-31T23:59:59Z");
        let (status, queued) = app
            .post("/v1/subjects/ops:contractor-8/provision", body)
            .await;
        assert_eq!(status, 202, "{queued}");
        let scheduled = queued["scheduled"][0]
            .as_str()
            .expect("the end is scheduled");
        let (_, end) = app.get(&format!("/v1/commands/{scheduled}")).await;
        assert_eq!(end["state"], "scheduled");
        assert_eq!(end["intent"]["mode"], "deactivate");
        assert_eq!(end["due_at"], "2099-12-31T23:59:59Z");
        app.stop().await;
    }
}

on_both_stores! {
    async fn manual_commands_refuse_bodies_and_keys_naming_what_to_fix() {
        let app = spawn().await;
        let mut misspelt = contractor("Morgan", "P-100", "Partner Community User");
        misspelt["permision_sets"] = json!(["Gatehouse_Portal_Access"]);
        let cases = [
            (
                "/v1/subjects/ops:c-1/provision",
                misspelt,
                "bad_body",
                "permision_sets",
            ),
            (
                "/v1/subjects/ops:c-1/provision",
                json!({"account": {"key": "P-100"}}),
                "bad_body",
                "contact: required",
            ),
            (
                "/v1/subjects/ops:c-1/deprovision",
                json!({"mode": "freeze"}),
                "bad_body",
                "trigger: required",
            ),
            (
                "/v1/subjects/ops:c-1/deprovision",
                json!({"mode": "delete", "trigger": "x"}),
                "bad_body",
                "mode:",
            ),
            (
                "/v1/subjects/ada@example.com/deprovision",
                json!({"trigger": "x"}),
                "bad_subject_key",
                "email",
            ),
        ];
        for (path, body, reason, named) in cases {
            let (status, problem) = app.post(path, body).await;
            assert_eq!(status, 400, "{path}: {problem}");
            assert_eq!(problem["reason"], reason, "{path}: {problem}");
            let detail = problem["detail"].as_str().unwrap();
            assert!(detail.contains(named), "{path}: {detail}");
        }
        let (_, commands) = app.get("/v1/commands").await;
        assert_eq!(commands["items"], json!([]), "nothing was enqueued");

        // Without a mode the lock-out deactivates: disabling happens only when the body says so.
        let (status, queued) = app
            .post(
                "/v1/subjects/ops:c-1/deprovision",
                json!({"trigger": "left"}),
            )
            .await;
        assert_eq!(status, 202);
        let (_, record) = app
            .get(&format!(
                "/v1/commands/{}",
                queued["command_id"].as_str().unwrap()
            ))
            .await;
        assert_eq!(record["intent"]["mode"], "deactivate");
        app.stop().await;
    }
}
