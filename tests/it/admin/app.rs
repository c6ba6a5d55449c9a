//! A service for the admin tests (from the one test harness, `crate::support`): the
//! partner-portal rules of the quick start, an admin token, and the simulated org's URL, so a
//! test can change the org behind Gatehouse's back.

use std::future::Future;
use std::ops::Deref;
use std::time::Duration;

use chrono::TimeDelta;
use serde_json::{Value, json};

use crate::support::{PARTNER_RULES, TestApp, TestAppBuilder, now_in_seconds};

/// The shared token every admin test config sets: the operator `admin`, role `admin`.
pub const TOKEN: &str = "admin-test-token-0123456789";

/// Alice's token: role `operator`.
pub const ALICE: &str = "alice-operator-token-0123";
/// Bob's token: role `approver`.
pub const BOB: &str = "bob-approver-token-0123";
/// Carol's token: role `viewer`.
pub const CAROL: &str = "carol-viewer-token-0123";

/// The named operators of every admin test config.
pub const OPERATORS: &str = r#"
[[admin.operators]]
name = "alice"
token = "alice-operator-token-0123"
role = "operator"

[[admin.operators]]
name = "bob"
token = "bob-approver-token-0123"
role = "approver"

[[admin.operators]]
name = "carol"
token = "carol-viewer-token-0123"
role = "viewer"
"#;

/// A running service for one admin test, and its simulated org's URL, so a test can change the
/// org behind Gatehouse's back.
pub struct AdminApp {
    app: TestApp,
    pub org_url: String,
}

impl Deref for AdminApp {
    type Target = TestApp;

    fn deref(&self) -> &TestApp {
        &self.app
    }
}

/// The service with the shared admin token and the named operators set.
pub async fn spawn() -> AdminApp {
    spawn_on(TestApp::builder().admin_token(TOKEN).admin(OPERATORS)).await
}

/// The service without admin settings: the admin routes are off.
pub async fn spawn_without_admin() -> AdminApp {
    spawn_on(TestApp::builder()).await
}

/// The quick start's partner-portal rules on `builder`'s service.
pub async fn spawn_on(builder: TestAppBuilder) -> AdminApp {
    // The store dates commands by the service's clock, as the worker claims by it.
    let app = builder
        .config(PARTNER_RULES)
        .clock_at(now_in_seconds())
        .spawn()
        .await;
    let org_url = app.simulated_org().to_owned();
    AdminApp { app, org_url }
}

impl AdminApp {
    /// An admin request with the shared token.
    pub fn admin(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.admin_as(TOKEN, method, path)
    }

    /// An admin request with `token`.
    pub fn admin_as(
        &self,
        token: &str,
        method: reqwest::Method,
        path: &str,
    ) -> reqwest::RequestBuilder {
        self.client
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token)
    }

    /// `GET path` with the token; the status and the JSON answer.
    pub async fn get(&self, path: &str) -> (u16, Value) {
        answer(self.admin(reqwest::Method::GET, path).send().await.unwrap()).await
    }

    /// `POST path` with the token and a JSON body (none when `Value::Null`).
    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let mut request = self.admin(reqwest::Method::POST, path);
        if !body.is_null() {
            request = request.json(&body);
        }
        answer(request.send().await.unwrap()).await
    }

    /// A signed partner-portal delivery with this body, sent; answers the event id.
    pub async fn deliver(&self, id: &str, body: &Value) -> String {
        let response = self
            .portal_delivery(id, &body.to_string())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 202, "delivery {id} accepted");
        let receipt: Value = response.json().await.unwrap();
        receipt["event_id"].as_str().unwrap().to_owned()
    }

    /// A partner user signing up on `partner` (an Account key of the simulated org).
    pub async fn sign_up(&self, user: &str, partner: &str) -> String {
        let occurred = (self.clock_now() - TimeDelta::minutes(5)).to_rfc3339();
        let body = json!({
            "type": "partner.user.signed_up",
            "occurred_at": occurred,
            "data": {
                "partner_id": partner,
                "user": {
                    "id": user,
                    "email": format!("{user}@partner.example"),
                    "first_name": "Ada",
                    "last_name": format!("Tester {user}"),
                }
            }
        });
        self.deliver(&format!("msg_signup_{user}"), &body).await
    }

    /// Waits until the subject's commands have all ended, and answers them (oldest first).
    pub async fn settled_commands(&self, subject: &str) -> Vec<Value> {
        eventually(&format!("every command of {subject} ends"), || async {
            let (status, page) = self.get(&format!("/v1/commands?subject={subject}")).await;
            assert_eq!(status, 200, "{page}");
            let items = page["items"].as_array().cloned().unwrap_or_default();
            let ended = !items.is_empty() && items.iter().all(|c| c["state"] == "done");
            ended.then_some(items)
        })
        .await
    }

    /// Waits until the command is in `state` and answers its record.
    pub async fn command_in_state(&self, id: &str, state: &str) -> Value {
        eventually(&format!("command {id} becomes {state}"), || async {
            let (status, record) = self.get(&format!("/v1/commands/{id}")).await;
            assert_eq!(status, 200, "{record}");
            (record["state"] == state).then_some(record)
        })
        .await
    }

    /// Stops the service gracefully.
    pub async fn stop(self) {
        self.app.stop().await;
    }
}

/// The status and JSON body (Null when the body is not JSON).
pub async fn answer(response: reqwest::Response) -> (u16, Value) {
    let status = response.status().as_u16();
    let body = response.json().await.unwrap_or(Value::Null);
    (status, body)
}

/// Polls `probe` until it answers `Some`, and answers that. Gives up (failing the test with
/// `what`) only after a minute, far beyond any healthy run: the wait is for a condition, not a
/// time.
pub async fn eventually<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        if let Some(found) = probe().await {
            return found;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "gave up waiting: {what}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// A session on the simulated org as its administrator (the app `sfsim-admin`, a System
/// Administrator), to change the org the way an admin would by hand.
pub struct OrgSession {
    client: reqwest::Client,
    data: String,
    token: String,
}

impl OrgSession {
    pub async fn open(org_url: &str) -> OrgSession {
        let client = reqwest::Client::new();
        let token: Value = client
            .post(format!("{org_url}/services/oauth2/token"))
            .header("content-type", "application/x-www-form-urlencoded")
            .body("grant_type=client_credentials&client_id=sfsim-admin&client_secret=sfsim-admin-secret")
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        OrgSession {
            client,
            data: format!("{org_url}/services/data/v68.0"),
            token: token["access_token"].as_str().expect("a token").to_owned(),
        }
    }

    /// The records a SOQL query finds.
    pub async fn query(&self, soql: &str) -> Vec<Value> {
        let answer: Value = self
            .client
            .get(format!("{}/query", self.data))
            .query(&[("q", soql)])
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        answer["records"].as_array().cloned().unwrap_or_default()
    }

    /// Updates one record; panics unless Salesforce answers 204.
    pub async fn update(&self, object: &str, id: &str, fields: Value) {
        let response = self
            .client
            .patch(format!("{}/sobjects/{object}/{id}", self.data))
            .bearer_auth(&self.token)
            .json(&fields)
            .send()
            .await
            .unwrap();
        let status = response.status();
        assert_eq!(status, 204, "{}", response.text().await.unwrap_or_default());
    }
}
