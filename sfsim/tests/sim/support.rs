//! Shared test support: an in-process org on a free port, tokens, and an authenticated client.

#![allow(dead_code)]

use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sfsim::auth::ConnectedApp;
use sfsim::server::CURRENT_VERSION;
use sfsim::soql::DataSource;
use sfsim::{Sim, SimConfig, SimHandle, SimServer};

/// The default org's administrator app (runs as a System Administrator).
pub const ADMIN_APP: &str = "sfsim-admin";
/// The default org's Gatehouse app (runs as the integration user).
pub const INTEGRATION_APP: &str = "gatehouse-dev";

/// The private key of the default org's `gatehouse-dev` app (test-only, public by design).
pub const DEV_KEY_PEM: &str = include_str!("../../fixtures/keys/gatehouse-dev.key");
/// Its certificate.
pub const DEV_CERTIFICATE_PEM: &str = include_str!("../../fixtures/keys/gatehouse-dev.crt");

/// A small org for the token endpoint's edge cases: an integration user and a deactivated
/// one, and apps whose Run As user is fine, missing or deactivated, or which have no secret.
pub fn token_fixture() -> String {
    let apps = [
        (
            "Edge Test",
            "edge-test",
            Some("edge-secret"),
            true,
            "integration@edge.sfsim",
        ),
        (
            "No Run As",
            "edge-orphan",
            Some("orphan-secret"),
            false,
            "nobody@edge.sfsim",
        ),
        (
            "Retired Run As",
            "edge-retired",
            Some("retired-secret"),
            false,
            "former@edge.sfsim",
        ),
        (
            "JWT Only",
            "edge-jwt-only",
            None,
            true,
            "integration@edge.sfsim",
        ),
    ];
    let mut text = String::from(
        r#"
[[licences]]
name = "Salesforce"
definition_key = "SFDC"
user_type = "Standard"
total = 10

[[profiles]]
name = "System Administrator"
licence = "Salesforce"
grants_all = true

[[users]]
username = "integration@edge.sfsim"
last_name = "Integration"
email = "integration@edge.sfsim"
alias = "integ"
profile = "System Administrator"

[[users]]
username = "former@edge.sfsim"
last_name = "Former"
email = "former@edge.sfsim"
alias = "former"
profile = "System Administrator"
active = false
"#,
    );
    for (name, client_id, secret, certificate, run_as) in apps {
        text.push_str(&format!(
            "\n[[connected_apps]]\nname = \"{name}\"\nclient_id = \"{client_id}\"\nrun_as = \"{run_as}\"\n"
        ));
        if let Some(secret) = secret {
            text.push_str(&format!("client_secret = \"{secret}\"\n"));
        }
        if certificate {
            text.push_str(&format!(
                "certificate_pem = \"\"\"\n{DEV_CERTIFICATE_PEM}\"\"\"\n"
            ));
        }
    }
    text
}

/// An org started from [`token_fixture`].
pub async fn start_token_fixture() -> TestOrg {
    start_with(SimConfig {
        fixture: Some(sfsim::FixtureSource::Toml {
            text: token_fixture(),
            base_dir: std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
        }),
        ..SimConfig::default()
    })
    .await
}

/// A running org and a plain HTTP client for it.
pub struct TestOrg {
    pub handle: SimHandle,
    pub http: reqwest::Client,
}

/// Starts the default org in-process on a free port.
pub async fn start() -> TestOrg {
    start_with(SimConfig::default()).await
}

/// Starts an org with `config` (port 0 recommended).
pub async fn start_with(config: SimConfig) -> TestOrg {
    let handle = SimServer::start(config).await.expect("sfsim starts");
    TestOrg {
        handle,
        http: http_client(),
    }
}

/// A client that never goes through a proxy and never waits forever.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(60))
        .build()
        .expect("client builds")
}

/// An answer, read whole.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The body as JSON; `Value::Null` when empty, a string when not JSON.
    pub body: Value,
}

impl Answer {
    /// Reads a response whole.
    pub async fn read(response: reqwest::Response) -> Answer {
        let status = response.status();
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

    /// The first `errorCode` of a Salesforce error array.
    pub fn error_code(&self) -> Option<&str> {
        self.body.get(0)?.get("errorCode")?.as_str()
    }

    /// The `Sforce-Limit-Info` header.
    pub fn limit_info(&self) -> Option<&str> {
        self.headers.get("sforce-limit-info")?.to_str().ok()
    }
}

impl TestOrg {
    /// The org's state.
    pub fn sim(&self) -> &Sim {
        &self.handle.sim
    }

    /// A URL on the org (`path` starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.handle.base_url)
    }

    /// A data URL of the current version (`path` after `/services/data/vXX.X`).
    pub fn data_url(&self, path: &str) -> String {
        format!("{}{path}", self.handle.data_url())
    }

    /// The client credentials app the tests act through: the default org's administrator app
    /// (`sfsim-admin`) when there is one, else the first app with a client secret.
    pub fn secret_app(&self) -> ConnectedApp {
        let org = self.sim().org.lock();
        let apps = org.connected_apps();
        apps.iter()
            .find(|a| a.client_id == ADMIN_APP)
            .or_else(|| apps.iter().find(|a| a.client_secret.is_some()))
            .cloned()
            .expect("the org has a connected app with a client secret")
    }

    /// The default org's `gatehouse-dev` app, which runs as the integration user holding only
    /// the shipped permission sets.
    pub fn integration_app(&self) -> ConnectedApp {
        self.sim()
            .org
            .lock()
            .connected_apps()
            .iter()
            .find(|a| a.client_id == INTEGRATION_APP)
            .cloned()
            .expect("the org has the gatehouse-dev app")
    }

    /// The token endpoint's answer to the client credentials of `gatehouse-dev`, which runs as
    /// the integration user.
    pub async fn integration_credentials(&self) -> Answer {
        let app = self.integration_app();
        let secret = app.client_secret.clone().unwrap_or_default();
        self.token_request(&[
            ("grant_type", "client_credentials"),
            ("client_id", &app.client_id),
            ("client_secret", &secret),
        ])
        .await
    }

    /// A client acting as the integration user (client credentials of `gatehouse-dev`).
    pub async fn integration_client(&self) -> ApiClient {
        let answer = self.integration_credentials().await;
        assert_eq!(answer.status, StatusCode::OK, "token: {:?}", answer.body);
        let token = answer.body["access_token"].as_str().expect("access_token");
        self.client_with(token.to_owned())
    }

    /// The first connected app with a certificate (the JWT bearer app).
    pub fn certificate_app(&self) -> ConnectedApp {
        self.sim()
            .org
            .lock()
            .connected_apps()
            .iter()
            .find(|a| a.certificate_pem.is_some())
            .cloned()
            .expect("the org has a connected app with a certificate")
    }

    /// Id of the user with this username.
    pub fn user_id(&self, username: &str) -> String {
        self.sim()
            .org
            .lock()
            .records("User")
            .find(|u| {
                u.get("Username")
                    .and_then(Value::as_str)
                    .is_some_and(|n| n.eq_ignore_ascii_case(username))
            })
            .map(|u| u.id.clone())
            .expect("the user exists")
    }

    /// Posts a form to the token endpoint.
    pub async fn token_request(&self, form: &[(&str, &str)]) -> Answer {
        let response = self
            .http
            .post(self.handle.token_url())
            .form(form)
            .send()
            .await
            .expect("token endpoint answers");
        Answer::read(response).await
    }

    /// The token endpoint's answer to the client credentials of the default app.
    pub async fn client_credentials(&self) -> Answer {
        let app = self.secret_app();
        let secret = app.client_secret.clone().unwrap_or_default();
        self.token_request(&[
            ("grant_type", "client_credentials"),
            ("client_id", &app.client_id),
            ("client_secret", &secret),
        ])
        .await
    }

    /// A token by client credentials.
    pub async fn token(&self) -> String {
        let answer = self.client_credentials().await;
        assert_eq!(answer.status, StatusCode::OK, "token: {:?}", answer.body);
        answer.body["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned()
    }

    /// A client with a fresh token.
    pub async fn client(&self) -> ApiClient {
        self.client_with(self.token().await)
    }

    /// A client that sends `token`.
    pub fn client_with(&self, token: String) -> ApiClient {
        ApiClient {
            http: self.http.clone(),
            data_url: self.handle.data_url(),
            token,
        }
    }

    /// A control request; `body` is sent as JSON when given.
    pub async fn control(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        let mut request = self
            .http
            .request(method, self.url(&format!("/__sim{path}")));
        if let Some(body) = body {
            request = request.json(&body);
        }
        Answer::read(request.send().await.expect("control answers")).await
    }

    /// Stops time at the current instant, so later moves are exact.
    pub async fn pin_clock(&self) {
        let answer = self
            .control(Method::PUT, "/clock", Some(json!({"advance_seconds": 0})))
            .await;
        assert_eq!(answer.status, StatusCode::OK);
    }

    /// Moves simulated time.
    pub async fn advance_clock(&self, seconds: i64) {
        let answer = self
            .control(
                Method::PUT,
                "/clock",
                Some(json!({"advance_seconds": seconds})),
            )
            .await;
        assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    }
}

/// Sends authenticated data requests.
#[derive(Clone)]
pub struct ApiClient {
    pub http: reqwest::Client,
    pub data_url: String,
    pub token: String,
}

impl ApiClient {
    /// One request to `path` (after `/services/data/vXX.X`).
    pub async fn send(&self, method: Method, path: &str, body: Option<Value>) -> Answer {
        self.try_send(method, path, body)
            .await
            .expect("the org answers")
    }

    /// One request, keeping transport errors (a dropped connection) for the caller.
    pub async fn try_send(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> Result<Answer, reqwest::Error> {
        let mut request = self
            .http
            .request(method, format!("{}{path}", self.data_url))
            .bearer_auth(&self.token);
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await?;
        Ok(Answer::read(response).await)
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.send(Method::GET, path, None).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.send(Method::POST, path, Some(body)).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> Answer {
        self.send(Method::PATCH, path, Some(body)).await
    }

    pub async fn delete(&self, path: &str) -> Answer {
        self.send(Method::DELETE, path, None).await
    }
}

/// A JWT bearer assertion signed with the shipped test key.
pub fn assertion(claims: &Value) -> String {
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(DEV_KEY_PEM.as_bytes()).expect("test key");
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
        claims,
        &key,
    )
    .expect("assertion signs")
}

/// Seconds since the epoch, now.
pub fn epoch_now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// The current API version's path prefix.
pub fn data_prefix() -> String {
    format!("/services/data/v{CURRENT_VERSION}")
}
