//! Commands parked on `LICENSE_LIMIT_EXCEEDED` resume on an operator's request, after a
//! licence was freed where Gatehouse cannot see it.

use crate::on_both_stores;
use serde_json::{Value, json};

use super::app::{OrgSession, eventually, spawn};
use super::manual::contractor;

const LICENCE: &str = "Customer Community";

on_both_stores! {
    async fn a_command_parked_for_a_licence_resumes_when_an_operator_asks() {
        let app = spawn().await;
        // The default org has five Customer Community licences; the sixth person waits.
        let mut ids = Vec::new();
        for n in 1..=6 {
            let body = contractor(&format!("Member{n}"), "C-200", "Customer Community User");
            let (status, queued) = app
                .post(&format!("/v1/subjects/ops:member-{n}/provision"), body)
                .await;
            assert_eq!(status, 202, "{queued}");
            ids.push(queued["command_id"].as_str().unwrap().to_owned());
        }
        let records: Vec<Value> = eventually("all six provisions end or park", || async {
            let mut records = Vec::new();
            for id in &ids {
                let (_, record) = app.get(&format!("/v1/commands/{id}")).await;
                if record["state"] != "done" && record["state"] != "parked" {
                    return None;
                }
                records.push(record);
            }
            Some(records)
        })
        .await;
        let parked: Vec<&Value> = records.iter().filter(|r| r["state"] == "parked").collect();
        assert_eq!(parked.len(), 1, "{records:?}");
        let waiting = parked[0]["id"].as_str().unwrap().to_owned();
        assert_eq!(parked[0]["parked_licence"], LICENCE);
        let (_, listed) = app.get("/v1/commands?state=parked").await;
        assert_eq!(listed["items"].as_array().unwrap().len(), 1);

        // Resuming another licence's waiters touches nothing.
        let (status, none) = app
            .post("/v1/parked/resume?licence=Partner%20Community", Value::Null)
            .await;
        assert_eq!(status, 200);
        assert_eq!(none, json!({"resumed": 0, "licence": "Partner Community"}));

        // An admin frees a licence by hand in Salesforce: Gatehouse cannot see that.
        let org = OrgSession::open(&app.org_url).await;
        let first = records
            .iter()
            .find(|r| r["state"] == "done")
            .and_then(|r| r["outcome"]["salesforce"]["user_id"].as_str())
            .expect("a provisioned member");
        org.update("User", first, json!({"IsActive": false})).await;

        let (status, resumed) = app
            .post(
                &format!("/v1/parked/resume?licence={}", "Customer%20Community"),
                Value::Null,
            )
            .await;
        assert_eq!(status, 200);
        assert_eq!(resumed, json!({"resumed": 1, "licence": LICENCE}));
        let record = app.command_in_state(&waiting, "done").await;
        assert_eq!(record["outcome"]["kind"], "succeeded", "{record}");
        assert!(record["attempts"].as_u64().unwrap() >= 2, "{record}");

        // With nothing parked, resuming everything resumes nothing.
        let (_, empty) = app.post("/v1/parked/resume", Value::Null).await;
        assert_eq!(empty, json!({"resumed": 0, "licence": null}));
        app.stop().await;
    }
}
