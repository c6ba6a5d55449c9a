//! The quick start served as its senders and operators use it: its config with another
//! `[store]`, signed deliveries from its three sources, the admin listings, and a scenario that
//! leaves something in every table of the store.

use std::time::Duration;

use chrono::{SecondsFormat, TimeDelta, Utc};
use serde_json::{Value, json};

use crate::support::served::Served;
use crate::support::{hmac256_hex, standard_signature};

/// The quick start's `[store]` table, replaced by each test's own.
const QUICKSTART_STORE: &str = "[store]\nkind = \"sqlite\"\npath = \"var/quickstart.db\"\n";

pub fn quickstart_text() -> String {
    std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/quickstart.toml"
    ))
    .expect("the quick start reads")
}

/// The quick start's config with `store` as its `[store]` table.
pub fn quickstart_with(store: &str) -> String {
    let text = quickstart_text();
    assert!(
        text.contains(QUICKSTART_STORE),
        "the quick start's [store] changed"
    );
    text.replace(QUICKSTART_STORE, store)
}

/// Drives a served quick start as its senders and operators do.
pub struct Quickstart {
    pub served: Served,
    client: reqwest::Client,
    config: toml::Value,
}

impl Quickstart {
    pub fn on(served: Served) -> Quickstart {
        Quickstart {
            served,
            client: reqwest::Client::new(),
            config: quickstart_text().parse().expect("the quick start parses"),
        }
    }

    fn secret(&self, source: &str) -> String {
        self.config["sources"][source]["verification"]["secrets"][0]["secret"]
            .as_str()
            .expect("a source secret")
            .to_owned()
    }

    /// A Standard Webhooks delivery to `source`; answers the status.
    pub async fn deliver(&self, source: &str, id: &str, body: &Value) -> u16 {
        let body = body.to_string();
        let ts = Utc::now().timestamp();
        let signature = standard_signature(&self.secret(source), id, ts, body.as_bytes());
        let headers = [
            ("webhook-id", id.to_owned()),
            ("webhook-timestamp", ts.to_string()),
            ("webhook-signature", signature),
        ];
        self.post(source, &headers, body).await
    }

    /// A BambooHR delivery; answers the status.
    async fn deliver_bamboohr(&self, body: &Value) -> u16 {
        let body = body.to_string();
        let ts = Utc::now().timestamp().to_string();
        let signature = hmac256_hex(&self.secret("bamboohr"), &[body.as_bytes(), ts.as_bytes()]);
        let headers = [
            ("X-BambooHR-Signature", signature),
            ("X-BambooHR-Timestamp", ts),
        ];
        self.post("bamboohr", &headers, body).await
    }

    /// Posts a JSON `body` to `source`'s webhook with `headers`; answers the status.
    async fn post(&self, source: &str, headers: &[(&str, String)], body: String) -> u16 {
        let mut request = self
            .client
            .post(format!("{}/v1/webhooks/{source}", self.served.base))
            .header("content-type", "application/json");
        for (name, value) in headers {
            request = request.header(*name, value);
        }
        request
            .body(body)
            .send()
            .await
            .expect("delivered")
            .status()
            .as_u16()
    }

    /// An admin route's answer (the quick start's token).
    pub async fn admin(&self, path: &str) -> Value {
        let token = self.config["admin"]["token"].as_str().expect("a token");
        let response = self
            .client
            .get(format!("{}{path}", self.served.base))
            .bearer_auth(token)
            .send()
            .await
            .expect("the admin API answers");
        assert_eq!(response.status(), 200, "{path}");
        response.json().await.expect("JSON")
    }

    /// Every listing an operator reads: commands with their outcomes, dead letters, lifecycle
    /// records each with its history, the inbox.
    pub async fn listings(&self) -> Value {
        let subjects = self.admin("/v1/subjects?limit=1000").await;
        let mut lifecycles = Vec::new();
        for item in subjects["items"].as_array().expect("items") {
            let key = item["subject_key"].as_str().expect("a key");
            lifecycles.push(self.admin(&format!("/v1/subjects/{key}")).await);
        }
        json!({
            "commands": self.admin("/v1/commands?limit=1000").await,
            "dead_letters": self.admin("/v1/dead-letters?limit=1000").await,
            "subjects": subjects,
            "lifecycles": lifecycles,
            "inbox": self.admin("/v1/inbox?limit=1000").await,
        })
    }

    /// Waits until every event is mapped and `commands` commands exist, each done or scheduled.
    pub async fn settled(&self, commands: usize) -> Value {
        for _ in 0..2400 {
            let accepted = self.admin("/v1/inbox?status=accepted").await;
            let listed = self.admin("/v1/commands?limit=1000").await;
            let items = listed["items"].as_array().expect("items");
            let at_rest = items
                .iter()
                .all(|c| matches!(c["state"].as_str(), Some("done" | "scheduled")));
            if accepted["items"].as_array().is_some_and(Vec::is_empty)
                && items.len() == commands
                && at_rest
            {
                return listed;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "the scenario never settled: {:#}\nlog:\n{}",
            self.admin("/v1/commands?limit=1000").await,
            self.served.log()
        );
    }
}

/// A partner user's event on the portal at `at`.
pub fn portal_event(kind: &str, id: &str, name: &str, at: chrono::DateTime<Utc>) -> Value {
    json!({
        "type": kind,
        "occurred_at": at.to_rfc3339_opts(SecondsFormat::Secs, true),
        "data": {
            "partner_id": "P-100",
            "user": {"id": id, "email": format!("{name}@partner.example"),
                     "first_name": name, "last_name": "Copy"}
        }
    })
}

/// The scenario: two partners sign up (one delivery resent), an event no rule maps, an
/// employee leaves and another changes (BambooHR), a contract ends next year for both
/// partners (two scheduled deprovisions), then one partner is removed.
pub async fn scenario(q: &Quickstart) {
    let before = Utc::now() - TimeDelta::minutes(5);
    let ada = portal_event("partner.user.signed_up", "u-1", "ada", before);
    assert_eq!(q.deliver("partner-portal", "msg_u1", &ada).await, 202);
    assert_eq!(q.deliver("partner-portal", "msg_u1", &ada).await, 200);
    let bob = portal_event("partner.user.signed_up", "u-2", "bob", before);
    assert_eq!(q.deliver("partner-portal", "msg_u2", &bob).await, 202);
    let odd = portal_event("partner.user.renamed", "u-1", "ada", before);
    assert_eq!(q.deliver("partner-portal", "msg_odd", &odd).await, 202);
    let bamboo = json!({"employees": [
        {"action": "Updated", "id": "67890", "timestamp": before.to_rfc3339(),
         "changedFields": ["Employment Status"],
         "fields": {"Employment Status": "Terminated"}},
        {"action": "Updated", "id": "67891", "timestamp": before.to_rfc3339(),
         "changedFields": ["Job Title"], "fields": {"Job Title": "Engineer"}}
    ]});
    assert_eq!(q.deliver_bamboohr(&bamboo).await, 202);
    let ended = json!({"type": "contract.ended", "contract_id": "C-42", "account_key": "P-100",
                       "ended_at": "2030-06-30", "people": ["u-1", "u-2"]});
    assert_eq!(q.deliver("contracts", "msg_c42", &ended).await, 202);
    q.settled(5).await;
    let removed = portal_event(
        "partner.user.removed",
        "u-2",
        "bob",
        before + TimeDelta::minutes(1),
    );
    assert_eq!(
        q.deliver("partner-portal", "msg_u2_gone", &removed).await,
        202
    );
    q.settled(6).await;
}
