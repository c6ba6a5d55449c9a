//! The lifecycle record and the command record of someone a webhook provisioned, and the
//! listings that lead to them.

use crate::on_both_stores;
use serde_json::Value;

use super::app::spawn;
use crate::support::problem;

on_both_stores! {
    async fn a_webhook_provision_shows_on_the_subject_record_and_its_command() {
        let app = spawn().await;
        let event_id = app.sign_up("u-1", "P-100").await;
        let commands = app.settled_commands("partner-portal:u-1").await;
        assert_eq!(commands.len(), 1, "{commands:?}");
        let command = &commands[0];
        assert_eq!(command["outcome"]["kind"], "succeeded", "{command}");
        let command_id = command["id"].as_str().unwrap();

        let (status, subject) = app.get("/v1/subjects/partner-portal:u-1").await;
        assert_eq!(status, 200, "{subject}");
        assert_eq!(subject["subject_key"], "partner-portal:u-1");
        assert_eq!(subject["source"], "partner-portal");
        assert_eq!(subject["state"], "provisioned");
        assert_eq!(subject["account_ref"], "key:P-100");
        assert_eq!(subject["licence"], "Partner Community");
        assert_eq!(subject["purpose"], "partner portal user of partner P-100");
        assert_eq!(subject["username"], "u-1@partner.example.acme");
        let user_id = subject["user_id"].as_str().expect("a user id");
        assert!(user_id.starts_with("005"), "{user_id}");

        // The history tells the story: the command from the source, then its outcome.
        let history = subject["history"].as_array().unwrap();
        let enqueued = history
            .iter()
            .find(|h| h["kind"] == "command")
            .expect("a command row");
        assert_eq!(enqueued["command_id"], command_id);
        assert_eq!(enqueued["actor"], "partner-portal");
        assert_eq!(enqueued["detail"]["event_id"], event_id.as_str());
        let outcome = history
            .iter()
            .find(|h| h["kind"] == "outcome")
            .expect("an outcome row");
        assert_eq!(outcome["detail"]["kind"], "succeeded");

        // The command record agrees with the subject's, and names the event it came from.
        let (status, record) = app.get(&format!("/v1/commands/{command_id}")).await;
        assert_eq!(status, 200);
        assert_eq!(record["subject"], "partner-portal:u-1");
        assert_eq!(record["origin"]["event_id"], event_id.as_str());
        assert_eq!(record["intent"]["intent"], "provision");
        assert_eq!(record["outcome"]["salesforce"]["user_id"], user_id);
        assert_eq!(
            record["outcome"]["licence_effect"],
            serde_json::json!({"effect": "consumed", "licence": "Partner Community"})
        );
        app.stop().await;
    }
}

on_both_stores! {
    async fn listings_page_with_a_cursor_and_filter_by_state_and_subject() {
        let app = spawn().await;
        app.sign_up("u-1", "P-100").await;
        app.sign_up("u-2", "P-100").await;
        app.settled_commands("partner-portal:u-1").await;
        app.settled_commands("partner-portal:u-2").await;

        let (_, first) = app.get("/v1/subjects?limit=1").await;
        assert_eq!(keys(&first), ["partner-portal:u-1"]);
        assert_eq!(first["next_after"], "partner-portal:u-1");
        let (_, second) = app
            .get("/v1/subjects?limit=1&after=partner-portal:u-1")
            .await;
        assert_eq!(keys(&second), ["partner-portal:u-2"]);
        let (_, rest) = app.get("/v1/subjects?after=partner-portal:u-2").await;
        assert_eq!(rest["items"], serde_json::json!([]));
        assert_eq!(rest["next_after"], Value::Null);

        let (_, provisioned) = app.get("/v1/subjects?state=provisioned").await;
        assert_eq!(keys(&provisioned).len(), 2);
        let (_, frozen) = app.get("/v1/subjects?state=frozen").await;
        assert!(keys(&frozen).is_empty());

        let (_, mine) = app.get("/v1/commands?subject=partner-portal:u-2").await;
        let items = mine["items"].as_array().unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["subject"], "partner-portal:u-2");
        let (_, done) = app.get("/v1/commands?state=done&outcome=succeeded").await;
        assert_eq!(done["items"].as_array().unwrap().len(), 2);
        let (_, none) = app.get("/v1/dead-letters").await;
        assert_eq!(none["items"], serde_json::json!([]));
        app.stop().await;
    }
}

on_both_stores! {
    async fn unknown_things_answer_404_and_bad_filters_400_naming_the_parameter() {
        let app = spawn().await;
        for (path, reason) in [
            ("/v1/subjects/partner-portal:nobody", "unknown_subject"),
            ("/v1/subjects/ada@example.com", "unknown_subject"),
            (
                "/v1/commands/cmd_0193a6f2-3b1c-7d4e-9f00-1a2b3c4d5e6f",
                "unknown_command",
            ),
            ("/v1/commands/not-a-command", "unknown_command"),
            (
                "/v1/inbox/evt_0193a6f2-3b1c-7d4e-9f00-1a2b3c4d5e6f",
                "unknown_event",
            ),
        ] {
            let response = app.admin(reqwest::Method::GET, path).send().await.unwrap();
            assert_eq!(response.status(), 404, "{path}");
            let body = problem(response).await;
            assert_eq!(body["reason"], reason, "{path}: {body}");
        }
        for (path, named) in [
            ("/v1/commands?state=finished", "state 'finished'"),
            ("/v1/commands?outcome=failed", "outcome 'failed'"),
            ("/v1/subjects?limit=0", "limit"),
            ("/v1/subjects?limit=5000", "limit"),
            ("/v1/subjects?colour=red", "'colour'"),
            ("/v1/commands?after=yesterday", "after:"),
            ("/v1/inbox?status=lost", "status 'lost'"),
        ] {
            let response = app.admin(reqwest::Method::GET, path).send().await.unwrap();
            assert_eq!(response.status(), 400, "{path}");
            let body = problem(response).await;
            assert_eq!(body["reason"], "bad_query");
            let detail = body["detail"].as_str().unwrap();
            assert!(detail.contains(named), "{path}: {detail}");
        }
        app.stop().await;
    }
}

fn keys(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["subject_key"].as_str().unwrap())
        .collect()
}
