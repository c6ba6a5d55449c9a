//! [`TestAppBuilder`]: what a test varies about the service it starts (the org, the rules, the
//! clock, the store, Kafka, telemetry), then the service in this process ([`spawn`]) or the real
//! binary with its log captured ([`serve`]).
//!
//! [`spawn`]: TestAppBuilder::spawn
//! [`serve`]: TestAppBuilder::serve

use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use gatehouse::clock::ManualClock;
use gatehouse::config::Settings;
use gatehouse::startup::Application;

use super::TestApp;
use super::backing::ScratchDatabase;
use super::config::portal_source;
use super::served::{Served, ServedConfig};

/// How the service reaches its org.
#[derive(Debug, Clone, Default)]
pub enum Org {
    /// The simulated org the service starts in-process (its URL is [`TestApp::org_url`]).
    #[default]
    Simulated,
    /// An org already running at this URL, reached as a remote org with the default connected
    /// app's client credentials: it outlives the service, so a test can restart the service.
    Remote(String),
}

/// A service to start, as the test wants it. Start from [`TestApp::builder`].
#[derive(Clone)]
pub struct TestAppBuilder {
    org: Org,
    /// More lines for the `[salesforce]` table.
    salesforce: String,
    rules: String,
    config: String,
    service: String,
    admin_token: Option<String>,
    /// More of the `[admin]` table (`listen`, `[[admin.operators]]`, `[admin.oidc]`).
    admin: String,
    telemetry: Option<String>,
    log: String,
    kafka: Option<String>,
    clock: Option<ManualClock>,
    store: Option<Arc<tempfile::TempDir>>,
    /// The PostgreSQL database of `store`'s folder, held from [`TestAppBuilder::store_in`] on,
    /// so a restart finds it after the first service stopped; or the database several services
    /// share ([`TestAppBuilder::database`]).
    database: Option<Arc<ScratchDatabase>>,
    env: Vec<(String, String)>,
}

impl Default for TestAppBuilder {
    fn default() -> Self {
        TestAppBuilder {
            org: Org::Simulated,
            salesforce: String::new(),
            rules: portal_source(),
            config: String::new(),
            service: String::new(),
            admin_token: None,
            admin: String::new(),
            telemetry: None,
            log: String::new(),
            kafka: None,
            clock: None,
            store: None,
            database: None,
            env: Vec::new(),
        }
    }
}

/// The current time in whole seconds (the store keeps milliseconds, so tests can compare stored
/// times with the clock exactly).
pub fn now_in_seconds() -> DateTime<Utc> {
    DateTime::from_timestamp(Utc::now().timestamp(), 0).expect("valid time")
}

impl TestAppBuilder {
    /// The org (default: the in-process simulated org).
    pub fn org(mut self, org: Org) -> Self {
        self.org = org;
        self
    }

    /// More lines for the `[salesforce]` table (`site = …`, `fixture = …`).
    pub fn salesforce(mut self, lines: &str) -> Self {
        self.salesforce.push_str(lines);
        self.salesforce.push('\n');
        self
    }

    /// The sources and their rules (and whatever else the rules need, such as `[mapping]` or
    /// `[engine]`), replacing the default: the partner-portal source without rules. Empty: no
    /// source at all.
    pub fn rules(mut self, rules: &str) -> Self {
        rules.clone_into(&mut self.rules);
        self
    }

    /// More config text after the rules (further sources, `[engine]`, …).
    pub fn config(mut self, text: &str) -> Self {
        self.config.push('\n');
        self.config.push_str(text);
        self
    }

    /// Extra lines for the `[service]` table.
    pub fn service(mut self, lines: &str) -> Self {
        lines.clone_into(&mut self.service);
        self
    }

    /// Turns the admin API on with this bearer token.
    pub fn admin_token(mut self, token: &str) -> Self {
        self.admin_token = Some(token.to_owned());
        self
    }

    /// More of the `[admin]` table after its token: keys (`listen = …`), then its subtables
    /// (`[[admin.operators]]`, `[admin.oidc]`).
    pub fn admin(mut self, toml: &str) -> Self {
        self.admin.push_str(toml);
        self.admin.push('\n');
        self
    }

    /// The `[telemetry]` table's lines.
    pub fn telemetry(mut self, lines: &str) -> Self {
        self.telemetry = Some(lines.to_owned());
        self
    }

    /// Lines for the `[log]` table of a served binary, besides `format = "json"`.
    pub fn log(mut self, lines: &str) -> Self {
        lines.clone_into(&mut self.log);
        self
    }

    /// The `[kafka]` table (with its subtables), as a deployment writes it.
    pub fn kafka(mut self, toml: &str) -> Self {
        self.kafka = Some(toml.to_owned());
        self
    }

    /// The service's clock starts at `now` (default: the current time in whole seconds).
    pub fn clock_at(self, now: DateTime<Utc>) -> Self {
        self.clock(ManualClock::new(now))
    }

    /// The service's clock is this one (shared with an earlier service, across a restart).
    pub fn clock(mut self, clock: ManualClock) -> Self {
        self.clock = Some(clock);
        self
    }

    /// The store lives in `dir`, kept from an earlier service so a test can restart on the same
    /// store (default: a fresh folder).
    pub fn store_in(mut self, dir: Arc<tempfile::TempDir>) -> Self {
        self.database = ScratchDatabase::for_folder(dir.path());
        self.store = Some(dir);
        self
    }

    /// The store is `database`, which other services share: each keeps its config and log in a
    /// folder of its own, and all of them keep their data in this one database, as replicas do.
    /// Call after [`TestAppBuilder::store_in`], which names a folder's own database.
    pub fn database(mut self, database: Arc<ScratchDatabase>) -> Self {
        self.database = Some(database);
        self
    }

    /// An environment variable for a served binary.
    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.to_owned(), value.to_owned()));
        self
    }

    /// A served binary exports its traces over OTLP to `endpoint` with `protocol`
    /// (`grpc` or `http/protobuf`), flushing a batch every 100 ms.
    pub fn otlp(self, endpoint: &str, protocol: &str) -> Self {
        self.env("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)
            .env("OTEL_EXPORTER_OTLP_PROTOCOL", protocol)
            .env("OTEL_BSP_SCHEDULE_DELAY", "100")
    }

    /// The config without a store or a listener, for tests that only read settings.
    pub fn toml(&self) -> String {
        let more = &self.salesforce;
        let org = match &self.org {
            Org::Simulated => format!("[salesforce]\norg = \"simulated\"\n{more}"),
            Org::Remote(url) => format!(
                "[salesforce]\norg = \"remote\"\nlogin_url = \"{url}\"\n{more}[salesforce.auth]\nflow = \"client-credentials\"\nclient_id = \"gatehouse-dev\"\nclient_secret = \"gatehouse-dev-secret\"\n"
            ),
        };
        let mut text = format!("{org}\n{}\n{}\n", self.rules, self.config);
        if self.admin_token.is_some() || !self.admin.is_empty() {
            text.push_str("[admin]\n");
        }
        if let Some(token) = &self.admin_token {
            text.push_str(&format!("token = \"{token}\"\n"));
        }
        text.push_str(&self.admin);
        if let Some(lines) = &self.telemetry {
            text.push_str(&format!("[telemetry]\n{lines}\n"));
        }
        if let Some(kafka) = &self.kafka {
            text.push_str(kafka);
            text.push('\n');
        }
        // A real org's config must name a masking key; the simulated org may go without.
        let mask_key = match self.org {
            Org::Remote(_) if !self.log.contains("mask_key") => {
                format!("mask_key = \"{REMOTE_MASK_KEY}\"\n")
            }
            _ => String::new(),
        };
        text.push_str(&format!(
            "[log]\nformat = \"json\"\n{}\n{mask_key}",
            self.log
        ));
        text
    }

    /// The settings the service would start with (its store in a folder never created).
    pub fn settings(&self) -> Settings {
        let text = self.toml_with_store(&std::env::temp_dir().join("never-opened.db"));
        Settings::from_toml(&text).unwrap_or_else(|e| panic!("test config: {e}\n---\n{text}"))
    }

    fn toml_with_store(&self, store: &Path) -> String {
        format!(
            "{}[store]\nkind = \"sqlite\"\npath = \"{}\"\n",
            self.toml(),
            store.display()
        )
    }

    /// The config with the store the running test's backing names: the SQLite file at `file`
    /// in `dir`, or the PostgreSQL database given to [`TestAppBuilder::database`] or else the
    /// folder's own (answered, to be held while it is used).
    fn toml_with_backing(
        &self,
        dir: &tempfile::TempDir,
        file: &str,
    ) -> (String, Option<Arc<ScratchDatabase>>) {
        let database = self
            .database
            .clone()
            .or_else(|| ScratchDatabase::for_folder(dir.path()));
        match database {
            None => (self.toml_with_store(&dir.path().join(file)), None),
            Some(database) => (
                format!(
                    "{}[store]\nkind = \"postgres\"\nurl = \"{}\"\nsslmode = \"disable\"\n",
                    self.toml(),
                    database.url
                ),
                Some(database),
            ),
        }
    }

    /// Starts the service in this process on port 0, with a settable clock.
    pub async fn spawn(self) -> TestApp {
        let dir = self.store.clone().unwrap_or_else(fresh_folder);
        let clock = self
            .clock
            .clone()
            .unwrap_or_else(|| ManualClock::new(now_in_seconds()));
        let (store, database) = self.toml_with_backing(&dir, IN_PROCESS_STORE);
        // A test that sets its own body limit (a large fan-out event) keeps it.
        let body_limit = if self.service.contains("max_body_bytes") {
            ""
        } else {
            "max_body_bytes = 4096\n"
        };
        let text = format!(
            "{store}[service]\nlisten = \"127.0.0.1:0\"\nworkers = 2\n{body_limit}{}\n",
            self.service
        );
        let settings =
            Settings::from_toml(&text).unwrap_or_else(|e| panic!("test config: {e}\n---\n{text}"));
        let app = Application::build(&settings, clock.shared())
            .await
            .expect("app builds");
        TestApp::running(app, clock, dir, database)
    }

    /// Writes the config for the real `gatehouse serve` (JSON logs, to a file in the store's
    /// folder), to start it once or several times.
    pub fn served_config(self) -> ServedConfig {
        let dir = self.store.clone().unwrap_or_else(fresh_folder);
        let (store, database) = self.toml_with_backing(&dir, "gatehouse.db");
        let mut text = store;
        if !self.service.is_empty() {
            text.push_str(&format!("[service]\n{}\n", self.service));
        }
        ServedConfig::write(dir, database, &text, self.env)
    }

    /// Starts the real `gatehouse serve` and waits until it listens.
    pub fn serve(self) -> Served {
        self.served_config().start()
    }
}

/// The log masking key of a config that reaches its org as a remote one.
pub const REMOTE_MASK_KEY: &str = "remote-org-test-mask-key-5b2e71c9";

/// The in-process service's database file in its store folder (`TestApp::store_path`).
pub const IN_PROCESS_STORE: &str = "test.db";

fn fresh_folder() -> Arc<tempfile::TempDir> {
    Arc::new(tempfile::tempdir().expect("tempdir"))
}
