//! A small client for the data API tests: an in-process default org on a free port, requests
//! under `/services/data/v68.0`, and direct access to the org for setup and inspection.
//!
//! Requests carry a bearer token from the default app's client credentials whenever the
//! server has a token endpoint; a server without one (the data API on its own) is called
//! without. Moving these tests onto the shared support module is a change to `start` alone.

#![allow(dead_code)]

use std::time::Duration;

use reqwest::Method;
use serde_json::{Value, json};
use sfsim::org::Org;
use sfsim::{SimConfig, SimHandle, SimServer};

/// The API version the tests speak.
pub const VERSION: &str = "68.0";

/// A running org and a client for it.
pub struct Client {
    pub handle: SimHandle,
    http: reqwest::Client,
    token: Option<String>,
}

/// An answer, read whole.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    /// JSON body; `Null` when empty.
    pub body: Value,
}

impl Answer {
    /// The first error's `errorCode`.
    pub fn code(&self) -> &str {
        self.body[0]["errorCode"].as_str().unwrap_or("")
    }

    /// The first error's message.
    pub fn message(&self) -> &str {
        self.body[0]["message"].as_str().unwrap_or("")
    }

    /// The first error's fields.
    pub fn fields(&self) -> Vec<String> {
        self.body[0]["fields"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|f| f.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The id of a record this answer created (asserting the 201).
    pub fn created_id(&self) -> String {
        assert_eq!(self.status, 201, "created: {}", self.body);
        self.body["id"].as_str().expect("id").to_owned()
    }

    /// Asserts a Salesforce error: status, code, and fields.
    pub fn assert_error(&self, status: u16, code: &str, fields: &[&str]) {
        assert_eq!(self.status, status, "status of {}", self.body);
        assert_eq!(self.code(), code, "code of {}", self.body);
        assert_eq!(self.fields(), fields, "fields of {}", self.body);
    }
}

/// Starts the default org.
pub async fn start() -> Client {
    start_with(SimConfig::default()).await
}

/// Starts the default org with the random draws (faults, collation order) from `seed`.
pub async fn start_seeded(seed: u64) -> Client {
    start_with(SimConfig {
        seed: Some(seed),
        ..SimConfig::default()
    })
    .await
}

/// Starts the org of a shipped fixture (`sfsim/fixtures/<name>`).
pub async fn start_fixture(name: &str) -> Client {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name);
    start_with(SimConfig {
        fixture: Some(sfsim::FixtureSource::File(path)),
        ..SimConfig::default()
    })
    .await
}

async fn start_with(config: SimConfig) -> Client {
    let handle = SimServer::start(config).await.expect("sfsim starts");
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client builds");
    let token = client_credentials_token(&http, &handle.base_url).await;
    Client {
        handle,
        http,
        token,
    }
}

/// A token for the default org's administrator app (`sfsim-admin`, a System Administrator: the
/// tests set records up as an admin would) by client credentials; `None` when the server has no token
/// endpoint (404). Any other refusal fails the test: it would hide an authentication bug.
async fn client_credentials_token(http: &reqwest::Client, base_url: &str) -> Option<String> {
    let response = http
        .post(format!("{base_url}/services/oauth2/token"))
        .form(&[
            ("grant_type", "client_credentials"),
            ("client_id", "sfsim-admin"),
            ("client_secret", "sfsim-admin-secret"),
        ])
        .send()
        .await
        .expect("token endpoint answers");
    if response.status() == reqwest::StatusCode::NOT_FOUND {
        return None;
    }
    assert!(
        response.status().is_success(),
        "token: {}",
        response.status()
    );
    let body: Value = response.json().await.expect("token body");
    body["access_token"].as_str().map(str::to_owned)
}

impl Client {
    /// The org itself, locked: for setup and for reading state the API does not show.
    pub fn org(&self) -> parking_lot::MutexGuard<'_, Org> {
        self.handle.sim.org.lock()
    }

    /// Sends a request to a path under `/services/data/v68.0` (or, starting with
    /// `/services/`, to that path as given).
    pub async fn send(&self, method: Method, path: &str, body: Option<String>) -> Answer {
        self.send_with(method, path, &[], body).await
    }

    /// [`Client::send`] with extra request headers.
    pub async fn send_with(
        &self,
        method: Method,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<String>,
    ) -> Answer {
        let url = if path.starts_with("/services/") {
            format!("{}{path}", self.handle.base_url)
        } else {
            format!("{}/services/data/v{VERSION}{path}", self.handle.base_url)
        };
        let mut request = self.http.request(method, url);
        if let Some(token) = &self.token {
            request = request.bearer_auth(token);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request
                .header("Content-Type", "application/json")
                .body(body);
        }
        let response = request.send().await.expect("request is answered");
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let text = response.text().await.expect("body reads");
        let body = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        Answer {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.send(Method::POST, path, Some(body.to_string())).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Answer {
        self.send(Method::PATCH, path, Some(body.to_string())).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.send(Method::DELETE, path, None).await
    }

    /// Runs SOQL through the query endpoint.
    pub async fn query(&self, soql: &str) -> Answer {
        let encoded: String = url::form_urlencoded::byte_serialize(soql.as_bytes()).collect();
        self.get(&format!("/query?q={encoded}")).await
    }

    /// The id of the one record of `object` whose `field` is `value`.
    pub fn id_where(&self, object: &str, field: &str, value: &str) -> String {
        self.org()
            .records_of(object)
            .find(|r| r.text(field) == Some(value))
            .map(|r| r.id.clone())
            .unwrap_or_else(|| panic!("no {object} with {field} = {value}"))
    }

    /// A field of a record, read from the org.
    pub fn field(&self, id: &str, field: &str) -> Value {
        self.org()
            .record(id)
            .and_then(|r| r.get(field).cloned())
            .unwrap_or(Value::Null)
    }

    /// A new Contact under the Account with this key, created over the API.
    pub async fn contact(&self, account_key: &str, last_name: &str) -> String {
        let account = self.id_where("Account", "Gatehouse_Key__c", account_key);
        let answer = self
            .post(
                "/sobjects/Contact",
                json!({"LastName": last_name, "AccountId": account, "Email": format!("{last_name}@example.com")}),
            )
            .await;
        assert_eq!(answer.status, 201, "contact created: {}", answer.body);
        answer.body["id"].as_str().expect("id").to_owned()
    }

    /// Creates a user over the API.
    pub async fn create_user(&self, body: Value) -> Answer {
        self.post("/sobjects/User", body).await
    }

    /// An external user on a Contact with the named profile, created over the API.
    pub async fn external_user(&self, contact: &str, profile: &str, username: &str) -> Answer {
        self.create_user(user_body(
            &self.id_where("Profile", "Name", profile),
            contact,
            username,
        ))
        .await
    }

    /// Used licences of the named licence, as `UserLicense` says.
    pub fn used(&self, licence: &str) -> i64 {
        self.org()
            .licences()
            .into_iter()
            .find(|l| l.name == licence)
            .map(|l| l.used)
            .expect("licence exists")
    }
}

/// A complete User body for an external user.
pub fn user_body(profile_id: &str, contact_id: &str, username: &str) -> Value {
    json!({
        "Username": username,
        "LastName": "Person",
        "FirstName": "Test",
        "Email": username,
        "Alias": "tperson",
        "TimeZoneSidKey": "Europe/London",
        "LocaleSidKey": "en_GB",
        "EmailEncodingKey": "UTF-8",
        "LanguageLocaleKey": "en_US",
        "ProfileId": profile_id,
        "ContactId": contact_id,
    })
}
