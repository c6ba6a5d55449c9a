//! The simulated org seen from a test: its state dump, the calls and emails it counted, and
//! its control endpoints (settings, scripted faults, limits, clock, sessions), over HTTP.

use serde_json::{Value, json};

/// The default org's administrator app (a System Administrator), for records a test creates
/// itself as an admin would (never through Gatehouse, whose integration user holds only the
/// shipped permission sets).
const CLIENT_ID: &str = "sfsim-admin";
const CLIENT_SECRET: &str = "sfsim-admin-secret";
const TOKEN_ENDPOINT: &str = "POST /services/oauth2/token";

/// A simulated org reached at its base URL.
#[derive(Clone)]
pub struct SimOrg {
    pub url: String,
    http: reqwest::Client,
}

/// A licence pool as the state dump shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LicenceCount {
    pub used: i64,
    pub total: i64,
}

impl SimOrg {
    pub fn at(url: &str) -> SimOrg {
        SimOrg {
            url: url.trim_end_matches('/').to_owned(),
            // No connection is kept between calls: the org closes idle ones after its keep-alive,
            // and a test that waits longer (a large burst) would meet a reset on reuse.
            http: reqwest::Client::builder()
                .pool_max_idle_per_host(0)
                .build()
                .expect("an HTTP client"),
        }
    }

    /// Calls `/__sim{path}` and returns its JSON answer, failing the test on an error status.
    pub async fn control(&self, method: reqwest::Method, path: &str, body: Value) -> Value {
        let mut request = self
            .http
            .request(method, format!("{}/__sim{path}", self.url));
        if !body.is_null() {
            request = request.json(&body);
        }
        let answer = request.send().await.expect("control endpoint answers");
        let status = answer.status();
        let body: Value = answer.json().await.expect("control answer is JSON");
        assert!(status.is_success(), "/__sim{path}: {status} {body}");
        body
    }

    /// `GET /__sim/state`.
    pub async fn state(&self) -> Value {
        self.control(reqwest::Method::GET, "/state", Value::Null)
            .await
    }

    /// Every record of one object type, in creation order.
    pub async fn records(&self, object: &str) -> Vec<Value> {
        let state = self.state().await;
        state
            .pointer(&format!("/org/records/{object}"))
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    }

    /// Records of `object` whose `field` equals `value`.
    pub async fn records_where(&self, object: &str, field: &str, value: &str) -> Vec<Value> {
        self.records(object)
            .await
            .into_iter()
            .filter(|r| r[field].as_str() == Some(value))
            .collect()
    }

    /// The permission set assignments of `user_id`, leaving out its profile's own set, which
    /// Salesforce lists among assignments too (`PermissionSet.IsOwnedByProfile`).
    pub async fn assignments_beyond_profile(&self, user_id: &str) -> Vec<Value> {
        let profile_sets: Vec<Value> = self
            .records("PermissionSet")
            .await
            .into_iter()
            .filter(|set| set["IsOwnedByProfile"] == true)
            .map(|set| set["Id"].clone())
            .collect();
        self.records("PermissionSetAssignment")
            .await
            .into_iter()
            .filter(|a| {
                a["AssigneeId"]
                    .as_str()
                    .is_some_and(|u| same_id(u, user_id))
            })
            .filter(|a| !profile_sets.contains(&a["PermissionSetId"]))
            .collect()
    }

    /// The record of `object` with this id (15 or 18 characters).
    pub async fn record(&self, object: &str, id: &str) -> Option<Value> {
        self.records(object)
            .await
            .into_iter()
            .find(|r| r["Id"].as_str().is_some_and(|rid| same_id(rid, id)))
    }

    /// Used and total licences of the named licence.
    pub async fn licence(&self, name: &str) -> LicenceCount {
        let state = self.state().await;
        let licence = state["org"]["licences"]
            .as_array()
            .and_then(|all| all.iter().find(|l| l["name"] == name))
            .unwrap_or_else(|| panic!("no licence {name} in the org"))
            .clone();
        LicenceCount {
            used: licence["used"].as_i64().expect("used"),
            total: licence["total"].as_i64().expect("total"),
        }
    }

    /// Emails the org sent.
    pub async fn emails(&self) -> Vec<Value> {
        self.control(reqwest::Method::GET, "/emails", Value::Null)
            .await
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// Emails of one kind (`welcome`, `password_reset`, `email_change_verification`) about a
    /// user.
    pub async fn emails_about(&self, kind: &str, user_id: &str) -> usize {
        self.emails()
            .await
            .iter()
            .filter(|e| e["kind"] == kind)
            .filter(|e| e["user_id"].as_str().is_some_and(|u| same_id(u, user_id)))
            .count()
    }

    /// Data API calls the org has answered (or dropped) so far; token requests are not API
    /// calls.
    pub async fn api_calls(&self) -> u64 {
        let calls = self
            .control(reqwest::Method::GET, "/calls", Value::Null)
            .await;
        let total = calls["total"].as_u64().expect("total");
        let tokens = calls["by_endpoint"][TOKEN_ENDPOINT].as_u64().unwrap_or(0);
        total - tokens
    }

    /// Data calls the org has answered so far whose endpoint (`PATCH /composite/sobjects`,
    /// `POST /composite`, …) starts with `endpoint`.
    pub async fn calls_to(&self, endpoint: &str) -> u64 {
        let calls = self
            .control(reqwest::Method::GET, "/calls", Value::Null)
            .await;
        calls["by_endpoint"]
            .as_object()
            .into_iter()
            .flatten()
            .filter(|(name, _)| name.starts_with(endpoint))
            .filter_map(|(_, n)| n.as_u64())
            .sum()
    }

    /// Arms a validation rule refusing every update of record `id` (sfsim's
    /// `/__sim/faults/records`).
    pub async fn refuse_updates_of(&self, id: &str) {
        self.control(reqwest::Method::POST, "/faults/records", json!({"id": id}))
            .await;
    }

    /// Token requests the org has answered so far.
    pub async fn token_requests(&self) -> u64 {
        let calls = self
            .control(reqwest::Method::GET, "/calls", Value::Null)
            .await;
        calls["by_endpoint"][TOKEN_ENDPOINT].as_u64().unwrap_or(0)
    }

    /// Replaces the org with the one this fixture (TOML) describes; tokens handed out before
    /// are revoked, as a new org would not know them.
    pub async fn load_fixture(&self, toml: &str) {
        let answer = self
            .http
            .post(format!("{}/__sim/fixture", self.url))
            .body(toml.to_owned())
            .send()
            .await
            .expect("the fixture endpoint answers");
        let status = answer.status();
        let body = answer.text().await.unwrap_or_default();
        assert!(status.is_success(), "/__sim/fixture: {status} {body}");
    }

    /// Keeps the bodies of data calls in the request log from now on.
    pub async fn log_request_bodies(&self) {
        self.control(reqwest::Method::PUT, "/requests", json!({"bodies": true}))
            .await;
    }

    /// The data calls whose path or request body mentions `needle` (bodies only once
    /// [`SimOrg::log_request_bodies`] is on), as `METHOD path` lines.
    pub async fn requests_mentioning(&self, needle: &str) -> Vec<String> {
        let log = self
            .control(reqwest::Method::GET, "/requests", Value::Null)
            .await;
        log.as_array()
            .into_iter()
            .flatten()
            .filter(|entry| {
                let path = entry["path"].as_str().unwrap_or_default();
                let body = entry["request_body"].as_str().unwrap_or_default();
                path.contains(needle) || body.contains(needle)
            })
            .map(|entry| format!("{} {}", entry["method"], entry["path"]))
            .collect()
    }

    /// Data calls the org counted against its daily allowance (refused sessions are not).
    pub async fn allowance_used(&self) -> u64 {
        self.control(reqwest::Method::GET, "/limits", Value::Null)
            .await["used"]
            .as_u64()
            .expect("used")
    }

    /// `PATCH /__sim/settings` with a subset of the quirk switches.
    pub async fn settings(&self, patch: Value) -> Value {
        self.control(reqwest::Method::PATCH, "/settings", patch)
            .await
    }

    /// Arms scripted faults (one object or an array).
    pub async fn script(&self, scripts: Value) -> Value {
        self.control(reqwest::Method::POST, "/faults/script", scripts)
            .await
    }

    /// The armed scripts with what remains of each.
    pub async fn scripts(&self) -> Vec<Value> {
        self.control(reqwest::Method::GET, "/faults/script", Value::Null)
            .await
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// `PUT /__sim/limits` with the fields to change (none: just read them).
    pub async fn limits(&self, limits: Value) -> Value {
        self.control(reqwest::Method::PUT, "/limits", limits).await
    }

    /// Revokes every live token; answers how many.
    pub async fn revoke_tokens(&self) -> u64 {
        self.control(
            reqwest::Method::POST,
            "/tokens/revoke",
            json!({"all": true}),
        )
        .await["revoked"]
            .as_u64()
            .expect("revoked")
    }

    /// Creates a record through the org's own API, as an administrator would by hand, and
    /// returns its id. Not a Gatehouse call: the test sets the scene with it.
    pub async fn create(&self, object: &str, fields: Value) -> String {
        let token = self.token().await;
        let answer = self
            .http
            .post(format!(
                "{}/services/data/v68.0/sobjects/{object}",
                self.url
            ))
            .bearer_auth(token)
            .json(&fields)
            .send()
            .await
            .expect("create answers");
        let status = answer.status();
        let body: Value = answer.json().await.expect("JSON answer");
        assert_eq!(status, 201, "creating {object}: {body}");
        body["id"].as_str().expect("id").to_owned()
    }

    /// Changes a record through the org's own API, as an administrator would by hand.
    pub async fn update(&self, object: &str, id: &str, fields: Value) {
        let token = self.token().await;
        let answer = self
            .http
            .patch(format!(
                "{}/services/data/v68.0/sobjects/{object}/{id}",
                self.url
            ))
            .bearer_auth(token)
            .json(&fields)
            .send()
            .await
            .expect("update answers");
        assert_eq!(answer.status(), 204, "updating {object} {id}");
    }

    /// Deletes a record through the org's own API, as an administrator would by hand.
    pub async fn delete(&self, object: &str, id: &str) {
        let token = self.token().await;
        let answer = self
            .http
            .delete(format!(
                "{}/services/data/v68.0/sobjects/{object}/{id}",
                self.url
            ))
            .bearer_auth(token)
            .send()
            .await
            .expect("delete answers");
        assert_eq!(answer.status(), 204, "deleting {object} {id}");
    }

    async fn token(&self) -> String {
        let answer: Value = self
            .http
            .post(format!("{}/services/oauth2/token", self.url))
            .form(&[
                ("grant_type", "client_credentials"),
                ("client_id", CLIENT_ID),
                ("client_secret", CLIENT_SECRET),
            ])
            .send()
            .await
            .expect("token answers")
            .json()
            .await
            .expect("token JSON");
        answer["access_token"]
            .as_str()
            .unwrap_or_else(|| panic!("no token: {answer}"))
            .to_owned()
    }
}

/// Salesforce ids compare on their first 15 characters.
pub fn same_id(a: &str, b: &str) -> bool {
    a.get(..15).unwrap_or(a) == b.get(..15).unwrap_or(b)
}
