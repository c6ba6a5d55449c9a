//! Starting a test instance of the service and signing requests as senders do.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use gatehouse::clock::ManualClock;
use gatehouse::startup::{Application, Shutdown};
use gatehouse::store::Store;
use hmac::{Hmac, Mac};
use sha2::{Sha256, Sha512};
use std::sync::Arc;

pub mod backing;
pub mod builder;
pub mod config;
pub mod log;
pub mod served;
pub mod settle;
pub mod sim_org;

pub use builder::{Org, TestAppBuilder, now_in_seconds};
pub use config::{PARTNER_RULES, PORTAL_SECRET, config, portal_source};

/// A running service for one test, started in this process by [`TestApp::builder`].
pub struct TestApp {
    pub base: String,
    /// The admin API's own listener (`[admin] listen`), when the config gives it one.
    pub admin_base: Option<String>,
    pub clock: ManualClock,
    pub store: Store,
    pub client: reqwest::Client,
    pub shutdown: Shutdown,
    /// The in-process simulated org's base URL, when the config selected it.
    pub org_url: Option<String>,
    /// Holds the store's folder until the test ends (and across a restart on the same store).
    dir: Arc<tempfile::TempDir>,
    /// The store's PostgreSQL database, when the test runs on PostgreSQL; dropped with the app.
    _database: Option<Arc<backing::ScratchDatabase>>,
    pub server: tokio::task::JoinHandle<anyhow::Result<()>>,
}

impl TestApp {
    /// A service to start: the simulated org, the partner-portal source without rules, the
    /// clock at the current time in whole seconds, a fresh store; each a builder option.
    pub fn builder() -> TestAppBuilder {
        TestAppBuilder::default()
    }

    /// Runs a built application in the background.
    fn running(
        app: Application,
        clock: ManualClock,
        dir: Arc<tempfile::TempDir>,
        database: Option<Arc<backing::ScratchDatabase>>,
    ) -> TestApp {
        let base = format!("http://127.0.0.1:{}", app.port());
        let admin_base = app
            .admin_port()
            .map(|port| format!("http://127.0.0.1:{port}"));
        let store = app.store();
        let shutdown = app.shutdown();
        let org_url = app.simulated_org_url();
        let server = tokio::spawn(app.run_until_stopped());
        TestApp {
            base,
            admin_base,
            clock,
            store,
            client: reqwest::Client::new(),
            shutdown,
            org_url,
            dir,
            _database: database,
            server,
        }
    }

    /// The in-process simulated org's base URL; panics when the service reaches another org.
    pub fn simulated_org(&self) -> &str {
        self.org_url.as_deref().expect("the simulated org runs")
    }

    /// A POST to the webhook URL of `source`.
    pub fn webhook(&self, source: &str) -> reqwest::RequestBuilder {
        self.client
            .post(format!("{}/v1/webhooks/{source}", self.base))
            .header("content-type", "application/json")
    }

    /// A Standard Webhooks delivery to `partner-portal`, signed with [`PORTAL_SECRET`] at the
    /// clock's current time.
    pub fn portal_delivery(&self, id: &str, body: &str) -> reqwest::RequestBuilder {
        self.signed_delivery("partner-portal", PORTAL_SECRET, id, body)
    }

    /// A Standard Webhooks delivery to `source`, signed with `secret` at the clock's time.
    pub fn signed_delivery(
        &self,
        source: &str,
        secret: &str,
        id: &str,
        body: &str,
    ) -> reqwest::RequestBuilder {
        let ts = self.clock_now().timestamp();
        self.webhook(source)
            .header("webhook-id", id)
            .header("webhook-timestamp", ts.to_string())
            .header(
                "webhook-signature",
                standard_signature(secret, id, ts, body.as_bytes()),
            )
            .body(body.to_owned())
    }

    /// The store's database file, for a test that reaches it behind the service's back.
    pub fn store_path(&self) -> std::path::PathBuf {
        self.dir.path().join(builder::IN_PROCESS_STORE)
    }

    /// The folder holding the store, for a restart on the same store.
    pub fn store_dir(&self) -> Arc<tempfile::TempDir> {
        self.dir.clone()
    }

    /// The URL of the store's PostgreSQL database; `None` on SQLite.
    pub fn database_url(&self) -> Option<String> {
        self._database.as_ref().map(|database| database.url.clone())
    }

    pub fn clock_now(&self) -> DateTime<Utc> {
        use gatehouse::clock::Clock;
        self.clock.now()
    }

    /// Stops the service gracefully and waits for it.
    pub async fn stop(self) {
        self.shutdown.stop().await;
        self.server
            .await
            .expect("server task")
            .expect("server stopped cleanly");
    }
}

/// `v1,<base64 HMAC-SHA256>` over `{id}.{ts}.{body}`, as the Standard Webhooks spec defines it.
pub fn standard_signature(secret: &str, id: &str, ts: i64, body: &[u8]) -> String {
    let key = STANDARD
        .decode(secret.trim_start_matches("whsec_"))
        .expect("base64 secret");
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("key");
    mac.update(format!("{id}.{ts}.").as_bytes());
    mac.update(body);
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// HMAC-SHA256 of `parts` concatenated, keyed with the secret's bytes, as lowercase hex.
pub fn hmac256_hex(secret: &str, parts: &[&[u8]]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("key");
    for p in parts {
        mac.update(p);
    }
    hex::encode(mac.finalize().into_bytes())
}

/// HMAC-SHA512 of `body`, keyed with the secret's bytes, as base64.
pub fn hmac512_base64(secret: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha512>::new_from_slice(secret.as_bytes()).expect("key");
    mac.update(body);
    STANDARD.encode(mac.finalize().into_bytes())
}

/// Reads a problem+json answer, checking its content type.
pub async fn problem(response: reqwest::Response) -> serde_json::Value {
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    assert_eq!(content_type, "application/problem+json");
    response.json().await.expect("problem body is JSON")
}

/// The store's events, all of them.
pub async fn stored_events(store: &Store) -> Vec<gatehouse::store::InboxEvent> {
    store
        .list(&gatehouse::store::InboxFilter {
            limit: 1000,
            ..Default::default()
        })
        .await
        .expect("list")
}
