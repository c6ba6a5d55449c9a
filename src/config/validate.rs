//! The checks serde cannot make: ranges, references between tables, secrets that must resolve.
//! One check per table, run in the order their problems are reported.

use super::{Locator, SalesforceAuth, SalesforceConfig, SecretError, Settings, StoreConfig};
use super::{Problem, SourceConfig, TopicFormat};

/// The problems found so far, in the order they are found.
#[derive(Default)]
struct Problems(Vec<Problem>);

impl Problems {
    fn add(&mut self, key: impl Into<String>, message: impl Into<String>) {
        self.0.push(Problem {
            key: key.into(),
            message: message.into(),
        });
    }

    /// A secret that does not resolve; its message already starts with the key.
    fn secret(&mut self, e: SecretError) {
        self.add(String::new(), crate::report::chain(&e).to_string());
    }
}

impl Settings {
    /// Checks what serde cannot: references, ranges, secrets that must resolve.
    pub fn validate(&self) -> Vec<Problem> {
        let mut problems = Problems::default();
        self.check_service(&mut problems);
        self.check_engine(&mut problems);
        self.check_store(&mut problems);
        self.check_salesforce(&mut problems);
        if let Some(kafka) = &self.kafka {
            for (key, message) in kafka.problems(&self.sources) {
                problems.add(key, message);
            }
        }
        for (key, message) in self.telemetry.problems() {
            problems.add(key, message);
        }
        for (key, message) in self.licences.problems() {
            problems.add(key, message);
        }
        self.check_log(&mut problems);
        self.check_admin(&mut problems);
        self.check_outcome_webhooks(&mut problems);
        let sources = self.sources.keys().map(String::as_str).collect();
        for (key, message) in self.guard.problems(&sources) {
            problems.add(key, message);
        }
        for problem in self.reconcile.problems() {
            let (key, message) = problem.split_once(": ").unwrap_or(("reconcile", &problem));
            problems.add(key.to_owned(), message.to_owned());
        }
        for (key, message) in self.retention.problems() {
            problems.add(key, message);
        }
        for (name, source) in &self.sources {
            self.check_source(name, source, &mut problems);
        }
        problems.0
    }

    /// `[[outcomes.webhooks]]`, and an `[outbox]` retention that outlasts their retries: an
    /// event pruned while a subscriber still retries it would be lost.
    fn check_outcome_webhooks(&self, problems: &mut Problems) {
        for (key, message) in self.outcomes.problems() {
            problems.add(key, message);
        }
        let retry = self.outcomes.longest_retry_hours();
        let retention = self.outbox.retention_hours;
        if retention != 0 && retention < retry {
            problems.add(
                "outbox.retention_hours",
                format!(
                    "{retention} is shorter than the webhook retry window ({retry} hours, outcomes.webhooks retry_hours); keep events at least as long as they are retried"
                ),
            );
        }
    }

    /// Whether a mapped Kafka topic is bound to the source: then it may go without a webhook
    /// verification scheme.
    pub fn is_fed_by_kafka(&self, source: &str) -> bool {
        self.kafka.as_ref().is_some_and(|kafka| {
            kafka
                .topics
                .values()
                .any(|topic| topic.format == TopicFormat::Mapped && topic.source == source)
        })
    }

    /// `[service]`: a request body limit Gatehouse can hold in memory, and a readiness check
    /// that can both succeed and answer before a probe gives up.
    fn check_service(&self, problems: &mut Problems) {
        let max = self.service.max_body_bytes;
        if max == 0 || max > 16 * 1024 * 1024 {
            problems.add(
                "service.max_body_bytes",
                format!("{max} is out of range; choose between 1 and 16777216 (16 MiB)"),
            );
        }
        let readiness = self.service.readiness_timeout_ms;
        if !(10..=60_000).contains(&readiness) {
            problems.add(
                "service.readiness_timeout_ms",
                format!("{readiness} is out of range; choose between 10 and 60000"),
            );
        }
    }

    /// `[engine]`: workers, attempts, back-off and leases in ranges that can work together.
    fn check_engine(&self, problems: &mut Problems) {
        let engine = &self.engine;
        if !(1..=256).contains(&engine.concurrency) {
            problems.add(
                "engine.concurrency",
                format!(
                    "{} is out of range; choose between 1 and 256",
                    engine.concurrency
                ),
            );
        }
        if engine.max_attempts == 0 {
            problems.add("engine.max_attempts", "must be at least 1");
        }
        if engine.retry_base_seconds == 0 || engine.retry_base_seconds > engine.retry_max_seconds {
            problems.add(
                "engine.retry_base_seconds",
                "must be at least 1 and not more than engine.retry_max_seconds",
            );
        }
        if engine.lease_seconds < 10 {
            problems.add(
                "engine.lease_seconds",
                "must be at least 10: a command's Salesforce calls must fit in its lease",
            );
        }
        for (key, message) in engine.batch.problems() {
            problems.add(key, message);
        }
        if engine.worker_id.trim().is_empty() {
            problems.add("engine.worker_id", "must not be empty");
        }
    }

    /// `[store]`: a group-commit batch in range; for PostgreSQL, a URL that resolves and
    /// connection settings that agree.
    fn check_store(&self, problems: &mut Problems) {
        match &self.store {
            StoreConfig::Sqlite { max_batch, .. } => {
                if !(1..=10_000).contains(max_batch) {
                    problems.add(
                        "store.max_batch",
                        format!("{max_batch} is out of range; choose between 1 and 10000"),
                    );
                }
            }
            StoreConfig::Postgres(postgres) => {
                for (key, message) in postgres.problems() {
                    problems.add(key, message);
                }
            }
        }
    }

    /// `[salesforce]`: an org is required; a remote one needs a URL, a version and a secret
    /// that resolve, a simulated one a fixture that exists when one is named.
    fn check_salesforce(&self, problems: &mut Problems) {
        if let Some(salesforce) = &self.salesforce {
            for (key, message) in salesforce.problems() {
                problems.add(key, message);
            }
        }
        match &self.salesforce {
            None => problems.add(
                "salesforce",
                "no org is configured; add a [salesforce] table with org = \"remote\" (login_url and auth) for a real org, or org = \"simulated\" to try Gatehouse with its built-in simulated org",
            ),
            Some(SalesforceConfig::Remote {
                login_url,
                api_version,
                auth,
                ..
            }) => check_remote_org(login_url, api_version, auth, problems),
            Some(SalesforceConfig::Simulated { fixture, .. }) => {
                if let Some(path) = fixture.as_ref().filter(|p| !p.is_file()) {
                    problems.add(
                        "salesforce.fixture",
                        format!("{} does not exist; remove the key to use the built-in org", path.display()),
                    );
                }
            }
        }
    }

    /// `[log]`: a masking key that resolves, required unless the org is the simulated one. The
    /// built-in key is public: with it anyone reading a log or a trace could confirm a guessed
    /// email against its hash, which is harmless only for the simulated org's made-up people.
    fn check_log(&self, problems: &mut Problems) {
        match (&self.log.mask_key, &self.salesforce) {
            (Some(key), _) => {
                if let Err(e) = key.resolve("log.mask_key") {
                    problems.secret(e);
                }
            }
            (None, Some(SalesforceConfig::Remote { .. })) => problems.add(
                "log.mask_key",
                "is required for a real org: it keys the hash that masks emails and names in logs and traces; set a long random value (e.g. openssl rand -hex 32) as mask_key = { env = \"LOG_MASK_KEY\" } or { file = \"/run/secrets/log-mask-key\" } under [log], or in the variable GATEHOUSE_LOG__MASK_KEY",
            ),
            (None, _) => {}
        }
    }

    /// `[admin]`: tokens that resolve and resist guessing, named operators, the identity
    /// provider, and a listener of its own apart from the public one.
    fn check_admin(&self, problems: &mut Problems) {
        for (key, message) in self.admin.problems() {
            problems.add(key, message);
        }
        if self
            .admin
            .listen
            .is_some_and(|admin| admin == self.service.listen && admin.port() != 0)
        {
            problems.add(
                "admin.listen",
                "is the public listener's address (service.listen); give the admin endpoints an address of their own, or remove admin.listen",
            );
        }
    }

    /// `[sources.NAME]`: a name fit for a URL, JSON Pointers that are pointers, and a way in:
    /// a verification scheme for webhooks, or a Kafka topic bound to it.
    fn check_source(&self, name: &str, source: &SourceConfig, problems: &mut Problems) {
        let key = format!("sources.{name}");
        if !valid_source_name(name) {
            problems.add(
                key.clone(),
                "a source name may hold only lowercase letters, digits, '-' and '_' (it is part of the webhook URL)",
            );
        }
        for (field, locator) in [
            ("event_id", &source.event_id),
            ("event_time", &source.event_time),
        ] {
            if let Some(Locator::Body { json_pointer }) = locator
                && !json_pointer.is_empty()
                && !json_pointer.starts_with('/')
            {
                problems.add(
                    format!("{key}.{field}.json_pointer"),
                    format!("'{json_pointer}' is not a JSON Pointer; it starts with '/', e.g. \"/data/id\""),
                );
            }
        }
        match &source.verification {
            Some(verification) => {
                if let Err(e) = verification.resolve(&format!("{key}.verification")) {
                    problems.add(
                        format!("{key}.verification"),
                        crate::report::chain(&e).to_string(),
                    );
                }
            }
            None if !self.is_fed_by_kafka(name) => problems.add(
                format!("{key}.verification"),
                format!(
                    "is missing, and no Kafka topic is bound to this source, so no event could ever reach it; add [{key}.verification] to receive webhooks, or bind a topic with [kafka.topics.TOPIC] source = \"{name}\""
                ),
            ),
            None => {}
        }
        for (key, message) in source.replay_problems(name) {
            problems.add(key, message);
        }
        for (key, message) in source.limits.problems(&format!("{key}.limits")) {
            problems.add(key, message);
        }
        if let Some(roster) = &source.roster {
            for (key, message) in roster.problems(&format!("{key}.roster")) {
                problems.add(key, message);
            }
        }
    }
}

/// A real org: a login URL Salesforce answers on, a REST API version, a secret that resolves.
fn check_remote_org(
    login_url: &str,
    api_version: &str,
    auth: &SalesforceAuth,
    problems: &mut Problems,
) {
    if let Err(message) = check_login_url(login_url) {
        problems.add("salesforce.login_url", message);
    }
    if !valid_api_version(api_version) {
        problems.add(
            "salesforce.api_version",
            format!("'{api_version}' is not a REST API version; use the form 68.0 (46.0 or later)"),
        );
    }
    let secret = match auth {
        SalesforceAuth::JwtBearer { private_key, .. } => {
            private_key.resolve("salesforce.auth.private_key")
        }
        SalesforceAuth::ClientCredentials { client_secret, .. } => {
            client_secret.resolve("salesforce.auth.client_secret")
        }
    };
    if let Err(e) = secret {
        problems.secret(e);
    }
}

fn valid_source_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

fn valid_api_version(v: &str) -> bool {
    match v.split_once('.') {
        Some((major, "0")) => major.parse::<u32>().is_ok_and(|m| m >= 46),
        _ => false,
    }
}

fn check_login_url(url: &str) -> Result<(), String> {
    let parsed = url::Url::parse(url).map_err(|e| {
        format!("'{url}' is not a URL ({e}); use e.g. https://login.salesforce.com")
    })?;
    let loopback = matches!(parsed.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    match parsed.scheme() {
        "https" => Ok(()),
        "http" if loopback => Ok(()),
        other => Err(format!(
            "'{url}' uses {other}; Salesforce speaks only https (plain http is allowed for a simulated org on loopback)"
        )),
    }
}
