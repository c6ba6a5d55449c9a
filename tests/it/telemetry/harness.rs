//! What the telemetry tests share: a config with mapping rules, the people of the scenario,
//! signed deliveries, an application that also tells where its simulated org is, the real
//! binary with its log captured, and reading `/metrics`.

use std::path::PathBuf;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::Duration;

use chrono::{DateTime, Utc};
use gatehouse::clock::{Clock, ManualClock};
use gatehouse::config::Settings;
use gatehouse::startup::{Application, Shutdown};

use crate::support::{PORTAL_SECRET, standard_signature};

/// The admin token of the scenario's config: it must never reach a log line.
pub const ADMIN_TOKEN: &str = "telemetry-admin-token-7c1f9e2a5b";
/// The log masking key of the scenario's config: it must never reach a log line either.
pub const MASK_KEY: &str = "telemetry-mask-key-3d8e0b6f41";

/// The partner portal's rules: a signup provisions, a removal deactivates.
pub const RULES: &str = r#"
[[sources.partner-portal.rules]]
name = "partner signup"
when = "type == 'partner.user.signed_up'"
subject = "partner-portal:{{ data.user.id }}"
occurred_at = "{{ occurred_at }}"

[sources.partner-portal.rules.provision]
account = { key = "{{ data.partner_id }}" }
contact = { first_name = "{{ data.user.first_name }}", last_name = "{{ data.user.last_name }}", email = "{{ data.user.email }}" }
username = "{{ contact.email }}.acme"
profile = "Partner Community User"
role = "user"
welcome_email = "site-setting"
purpose = "partner portal user"

[[sources.partner-portal.rules]]
name = "partner user removed"
when = "type == 'partner.user.removed'"
subject = "partner-portal:{{ data.user.id }}"
occurred_at = "{{ occurred_at }}"
deprovision = { mode = "deactivate", trigger = "removed from the partner portal" }
"#;

/// One person of the scenario, with the personal data that must stay out of the log.
pub struct Person {
    pub id: &'static str,
    pub email: &'static str,
    pub first_name: &'static str,
    pub last_name: &'static str,
}

pub const ADA: Person = Person {
    id: "u-7001",
    email: "ada.lovelace@partner.example",
    first_name: "Augusta",
    last_name: "Lovelace",
};

pub const GRACE: Person = Person {
    id: "u-7002",
    email: "grace.hopper@partner.example",
    first_name: "Grace",
    last_name: "Hopperová",
};

impl Person {
    /// The portal's signup event for this person.
    pub fn signed_up(&self, at: DateTime<Utc>) -> String {
        serde_json::json!({
            "type": "partner.user.signed_up",
            "occurred_at": at.to_rfc3339(),
            "data": {
                "partner_id": "P-100",
                "user": {
                    "id": self.id,
                    "email": self.email,
                    "first_name": self.first_name,
                    "last_name": self.last_name,
                }
            }
        })
        .to_string()
    }

    /// The portal's removal event for this person (it repeats the email, as portals do).
    pub fn removed(&self, at: DateTime<Utc>) -> String {
        serde_json::json!({
            "type": "partner.user.removed",
            "occurred_at": at.to_rfc3339(),
            "data": {"partner_id": "P-100", "user": {"id": self.id, "email": self.email}}
        })
        .to_string()
    }

    /// Every piece of personal data the person's events carry.
    pub fn personal_data(&self) -> [&'static str; 3] {
        [self.email, self.first_name, self.last_name]
    }
}

/// A Standard Webhooks delivery to `partner-portal` at `base`, signed at `now`.
pub fn delivery(
    client: &reqwest::Client,
    base: &str,
    id: &str,
    body: &str,
    now: DateTime<Utc>,
) -> reqwest::RequestBuilder {
    let ts = now.timestamp();
    client
        .post(format!("{base}/v1/webhooks/partner-portal"))
        .header("content-type", "application/json")
        .header("webhook-id", id)
        .header("webhook-timestamp", ts.to_string())
        .header(
            "webhook-signature",
            standard_signature(PORTAL_SECRET, id, ts, body.as_bytes()),
        )
        .body(body.to_owned())
}

/// Like [`delivery`], but the signature is over another body: well-formed, and wrong.
pub fn forged_delivery(
    client: &reqwest::Client,
    base: &str,
    id: &str,
    body: &str,
    now: DateTime<Utc>,
) -> reqwest::RequestBuilder {
    let ts = now.timestamp();
    client
        .post(format!("{base}/v1/webhooks/partner-portal"))
        .header("content-type", "application/json")
        .header("webhook-id", id)
        .header("webhook-timestamp", ts.to_string())
        .header(
            "webhook-signature",
            standard_signature(PORTAL_SECRET, id, ts, b"{\"another\":\"body\"}"),
        )
        .body(body.to_owned())
}

/// An application in this process whose simulated org's URL is known.
pub struct InProcess {
    pub base: String,
    pub sim: String,
    pub clock: ManualClock,
    pub client: reqwest::Client,
    shutdown: Shutdown,
    server: tokio::task::JoinHandle<anyhow::Result<()>>,
    _dir: tempfile::TempDir,
}

impl InProcess {
    /// Starts the partner portal config with [`RULES`] and `extra` TOML, on port 0.
    pub async fn start(extra: &str) -> InProcess {
        let dir = tempfile::tempdir().unwrap();
        let text = format!(
            "{}\n{RULES}\n{extra}\n[store]\nkind = \"sqlite\"\npath = \"{}\"\n[service]\nlisten = \"127.0.0.1:0\"\nworkers = 2\n",
            crate::support::config(""),
            dir.path().join("t.db").display()
        );
        let settings = Settings::from_toml(&text).unwrap_or_else(|e| panic!("config: {e}"));
        // Whole seconds, and ahead of the wall clock: the store stamps new commands due at the
        // wall clock's now, and the worker claims by this clock.
        let now = DateTime::from_timestamp(Utc::now().timestamp() + 2, 0).unwrap();
        let clock = ManualClock::new(now);
        let app = Application::build(&settings, clock.shared()).await.unwrap();
        let base = format!("http://127.0.0.1:{}", app.port());
        let sim = app.simulated_org_url().expect("the simulated org");
        let shutdown = app.shutdown();
        let server = tokio::spawn(app.run_until_stopped());
        InProcess {
            base,
            sim,
            clock,
            client: reqwest::Client::new(),
            shutdown,
            server,
            _dir: dir,
        }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }

    /// Reads `/metrics`, checking the media type, and parses it.
    pub async fn scrape(&self) -> Metrics {
        let answer = self
            .client
            .get(format!("{}/metrics", self.base))
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 200);
        let media = answer.headers()["content-type"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(media.starts_with("application/openmetrics-text"), "{media}");
        let text = answer.text().await.unwrap();
        assert!(text.trim_end().ends_with("# EOF"), "{text}");
        Metrics::parse(&text)
    }

    /// Scrapes until `done` holds; panics with the last scrape after a generous bound.
    pub async fn scrape_until(&self, what: &str, done: impl Fn(&Metrics) -> bool) -> Metrics {
        for _ in 0..400 {
            let metrics = self.scrape().await;
            if done(&metrics) {
                return metrics;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("never saw {what}:\n{}", self.scrape().await.text);
    }

    pub async fn stop(self) {
        self.shutdown.stop().await;
        self.server.await.unwrap().unwrap();
    }
}

/// A parsed scrape.
pub struct Metrics {
    pub text: String,
    samples: Vec<prometheus_parse::Sample>,
}

impl Metrics {
    /// Parses Prometheus text as Prometheus reads it.
    pub fn parse(text: &str) -> Metrics {
        let lines = text.lines().map(|l| Ok(l.to_owned()));
        let scrape = prometheus_parse::Scrape::parse(lines).expect("Prometheus text");
        Metrics {
            text: text.to_owned(),
            samples: scrape.samples,
        }
    }

    /// The value of the sample `name` whose labels include every pair of `labels`.
    pub fn value(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        self.samples
            .iter()
            .find(|s| {
                s.metric == name
                    && labels
                        .iter()
                        .all(|(k, v)| s.labels.get(k).is_some_and(|x| x == *v))
            })
            .and_then(|s| match s.value {
                prometheus_parse::Value::Counter(v)
                | prometheus_parse::Value::Gauge(v)
                | prometheus_parse::Value::Untyped(v) => Some(v),
                _ => None,
            })
    }

    /// [`Metrics::value`], zero when absent (a counter not yet moved).
    pub fn count(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.value(name, labels).unwrap_or(0.0)
    }

    /// The sum over every sample named `name` whose labels include `labels`.
    pub fn sum(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.samples
            .iter()
            .filter(|s| {
                s.metric == name
                    && labels
                        .iter()
                        .all(|(k, v)| s.labels.get(k).is_some_and(|x| x == *v))
            })
            .filter_map(|s| match s.value {
                prometheus_parse::Value::Counter(v) | prometheus_parse::Value::Untyped(v) => {
                    Some(v)
                }
                _ => None,
            })
            .sum()
    }

    /// The label values of `label` over the samples named `name`.
    pub fn label_values(&self, name: &str, label: &str) -> Vec<String> {
        self.samples
            .iter()
            .filter(|s| s.metric == name)
            .filter_map(|s| s.labels.get(label).map(str::to_owned))
            .collect()
    }
}

/// The real `gatehouse serve`, its stderr (the log) going to a file the test reads.
pub struct Served {
    child: Child,
    pub base: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Served {
    /// Serves the scenario's config (partner portal with [`RULES`], JSON logs, an admin token
    /// and a masking key) with these extra environment variables.
    pub fn start(env: &[(&str, &str)]) -> Served {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("gatehouse.toml");
        std::fs::write(
            &config,
            format!(
                "{}\n{RULES}\n[store]\nkind = \"sqlite\"\npath = \"{}\"\n[admin]\ntoken = \"{ADMIN_TOKEN}\"\n[log]\nformat = \"json\"\nlevel = \"info,gatehouse=debug\"\nmask_key = \"{MASK_KEY}\"\n",
                crate::support::config(""),
                dir.path().join("g.db").display()
            ),
        )
        .unwrap();
        let log = dir.path().join("serve.log");
        let port = free_port();
        let mut command = Command::new(env!("CARGO_BIN_EXE_gatehouse"));
        for (name, _) in std::env::vars() {
            if name.starts_with("GATEHOUSE_") || name.starts_with("OTEL_") || name == "RUST_LOG" {
                command.env_remove(name);
            }
        }
        let child = command
            .envs(env.iter().copied())
            .args(["serve", "--config"])
            .arg(&config)
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let served = Served {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
            _dir: dir,
        };
        served.wait_for_log("\"message\":\"listening\"", 1);
        served
    }

    /// The log so far.
    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Waits until the log holds `needle` at least `times` times; panics with the log after a
    /// generous bound, or at once if the process exited.
    pub fn wait_for_log(&self, needle: &str, times: usize) {
        for _ in 0..1200 {
            let log = self.log();
            if log.matches(needle).count() >= times {
                return;
            }
            assert!(
                !log.contains("gatehouse stopped on an error"),
                "gatehouse failed:\n{log}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "the log never held {needle:?} {times} time(s):\n{}",
            self.log()
        );
    }

    /// SIGTERM, then waits for the exit; answers the status and the whole log.
    pub fn stop(mut self) -> (ExitStatus, String) {
        let killed = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        let status = self.child.wait().unwrap();
        (status, self.log())
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
