//! What the telemetry tests share: the people of the scenario, signed deliveries, the service
//! in this process with its simulated org's URL or as the real binary with its log captured
//! (both from the one test harness, `crate::support`), and reading `/metrics`.

use std::ops::Deref;
use std::time::Duration;

use chrono::{DateTime, Utc};

pub use crate::support::served::Served;
use crate::support::{PARTNER_RULES, PORTAL_SECRET, TestApp, TestAppBuilder, standard_signature};

/// The admin token of the scenario's config: it must never reach a log line.
pub const ADMIN_TOKEN: &str = "telemetry-admin-token-7c1f9e2a5b";
/// The log masking key of the scenario's config: it must never reach a log line either.
pub const MASK_KEY: &str = "telemetry-mask-key-3d8e0b6f41";

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

/// The scenario's service in this process, and its simulated org's URL.
pub struct InProcess {
    app: TestApp,
    pub sim: String,
}

impl Deref for InProcess {
    type Target = TestApp;

    fn deref(&self) -> &TestApp {
        &self.app
    }
}

impl InProcess {
    /// Starts the partner portal with the shared rules and these `[telemetry]` lines.
    pub async fn start(telemetry: &str) -> InProcess {
        InProcess::start_with(telemetry, "").await
    }

    /// As [`InProcess::start`], with `config` lines added (e.g. [`NO_PREFLIGHT`]).
    pub async fn start_with(telemetry: &str, config: &str) -> InProcess {
        // Whole seconds; the store dates commands by this clock, as the worker claims by it.
        let now = DateTime::from_timestamp(Utc::now().timestamp(), 0).unwrap();
        let app = TestApp::builder()
            .config(PARTNER_RULES)
            .config(config)
            .telemetry(telemetry)
            .clock_at(now)
            .spawn()
            .await;
        let sim = app.simulated_org().to_owned();
        InProcess { app, sim }
    }

    pub fn now(&self) -> DateTime<Utc> {
        self.app.clock_now()
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
        self.app.stop().await;
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

/// Config lines that turn the start-up preflight off, for tests that follow one trace.
pub const NO_PREFLIGHT: &str = "[salesforce.preflight]\nat_start = \"skip\"";

/// The scenario's service as the real `gatehouse serve` would run it: the partner portal with
/// the shared rules, JSON logs down to debug, an admin token and a masking key.
pub fn served_scenario() -> TestAppBuilder {
    TestApp::builder()
        .config(PARTNER_RULES)
        .admin_token(ADMIN_TOKEN)
        .log(&format!(
            "level = \"info,gatehouse=debug\"\nmask_key = \"{MASK_KEY}\"\n"
        ))
}
