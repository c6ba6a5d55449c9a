//! The Salesforce client against a real in-process simulated org, over HTTP: both token
//! flows, renewal, each disposition from a real answer, the budget gate and call counting.

mod access;
mod auth;
mod batches;
mod budget;
mod collation;
mod connect;
mod dispositions;
mod records;

use std::time::Duration;

use std::sync::Arc;

use gatehouse::clock::SystemClock;
use gatehouse::config::salesforce::ApiReserve;
use gatehouse::salesforce::{ClientOptions, Credentials, SalesforceClient};
use secrecy::SecretString;
use serde_json::{Value, json};
use sfsim::{SimConfig, SimHandle, SimServer};

/// The key field of the default org's Contacts and Accounts.
pub const KEY: &str = "Gatehouse_Key__c";

/// A JSON object literal as record fields.
pub fn fields(value: Value) -> serde_json::Map<String, Value> {
    value.as_object().expect("an object").clone()
}

/// The default org's connected app.
pub const CLIENT_ID: &str = "gatehouse-dev";
pub const CLIENT_SECRET: &str = "gatehouse-dev-secret";
pub const INTEGRATION_USER: &str = "integration@gatehouse.sfsim";

/// A fresh default org on a free port.
pub async fn start_org() -> SimHandle {
    SimServer::start(SimConfig::default())
        .await
        .expect("simulated org starts")
}

/// Options for tests: the budget polls every few milliseconds, so a closed gate reopens soon
/// after the org shows room (tests wait on that condition, never on time).
pub fn options(reserve: ApiReserve) -> ClientOptions {
    ClientOptions {
        reserve,
        limits_poll: Duration::from_millis(5),
        limits_poll_max: Duration::from_millis(40),
        ..ClientOptions::default()
    }
}

/// A client of `org` by client credentials, with no reserve.
pub fn client(org: &SimHandle) -> SalesforceClient {
    client_with(org, options(ApiReserve::Calls(0)))
}

pub fn client_with(org: &SimHandle, options: ClientOptions) -> SalesforceClient {
    let credentials = Credentials::ClientCredentials {
        client_id: CLIENT_ID.to_owned(),
        client_secret: SecretString::from(CLIENT_SECRET),
    };
    SalesforceClient::new(&org.login_url, credentials, options, Arc::new(SystemClock))
        .expect("client builds")
}

/// Calls a control endpoint of the simulated org and returns its JSON answer.
pub async fn control(org: &SimHandle, method: reqwest::Method, path: &str, body: Value) -> Value {
    let http = reqwest::Client::new();
    let mut request = http.request(method, format!("{}/__sim{path}", org.base_url));
    if !body.is_null() {
        request = request.json(&body);
    }
    let answer = request.send().await.expect("control endpoint answers");
    let status = answer.status();
    let body: Value = answer.json().await.expect("control answer is JSON");
    assert!(status.is_success(), "{path}: {status} {body}");
    body
}

/// Arms a fault script: "fail the next calls to this endpoint like this".
pub async fn script(org: &SimHandle, script: Value) {
    control(org, reqwest::Method::POST, "/faults/script", script).await;
}

/// What the org counted: data calls (token requests excluded), and calls to one endpoint.
pub struct Counted {
    pub data_calls: u64,
    pub by_endpoint: serde_json::Map<String, Value>,
}

impl Counted {
    pub fn endpoint(&self, name: &str) -> u64 {
        self.by_endpoint
            .get(name)
            .and_then(Value::as_u64)
            .unwrap_or(0)
    }
}

pub async fn counted(org: &SimHandle) -> Counted {
    let calls = control(org, reqwest::Method::GET, "/calls", Value::Null).await;
    let by_endpoint = calls["by_endpoint"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    let token_calls: u64 = by_endpoint
        .iter()
        .filter(|(name, _)| name.contains("/services/oauth2/"))
        .filter_map(|(_, n)| n.as_u64())
        .sum();
    Counted {
        data_calls: calls["total"].as_u64().unwrap_or(0) - token_calls,
        by_endpoint,
    }
}

/// Sets the org's daily allowance.
pub async fn set_limits(org: &SimHandle, max: u64, used: u64) {
    control(
        org,
        reqwest::Method::PUT,
        "/limits",
        json!({"max": max, "used": used}),
    )
    .await;
}
