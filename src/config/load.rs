//! Reading and validating the configuration, with errors that name the key and say what to fix.

use std::fmt;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};

use super::{SalesforceConfig, Settings, StoreConfig};

/// One thing wrong with the configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Dotted key path, e.g. `sources.partner-portal.verification.secrets`.
    pub key: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

/// Every problem found in a configuration, reported together so one edit can fix them all.
#[derive(Debug)]
pub struct ConfigError {
    pub file: Option<PathBuf>,
    pub problems: Vec<Problem>,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        match &self.file {
            Some(file) => write!(f, "{} has {n} problem(s):", file.display())?,
            None => write!(f, "the configuration has {n} problem(s):")?,
        }
        for p in &self.problems {
            if p.key.is_empty() {
                write!(f, "\n  - {}", p.message)?;
            } else {
                write!(f, "\n  - {}: {}", p.key, p.message)?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}

/// Prefix of environment overrides; `__` separates key levels.
pub const ENV_PREFIX: &str = "GATEHOUSE_";
/// After [`ENV_PREFIX`]: variables of the test tooling, which are not settings.
const TEST_PREFIX: &str = "TEST_";

impl Settings {
    /// Loads defaults, then the file (when given), then `GATEHOUSE_…` variables, and validates.
    /// The mapping rules are not compiled here: `startup::load_settings` adds their problems.
    pub fn load(file: Option<&Path>) -> Result<Settings, ConfigError> {
        Self::load_checked(file, |_| Vec::new())
    }

    /// Like [`Settings::load`], with `more` checks from layers above config (the mapping
    /// rules) whose problems are reported together with the settings' own.
    pub fn load_checked(
        file: Option<&Path>,
        more: impl FnOnce(&Settings) -> Vec<Problem>,
    ) -> Result<Settings, ConfigError> {
        let mut figment = Figment::from(Serialized::defaults(DefaultsOnly::default()));
        if let Some(path) = file {
            if !path.is_file() {
                return Err(ConfigError {
                    file: Some(path.to_owned()),
                    problems: vec![Problem {
                        key: String::new(),
                        message: format!(
                            "cannot read {}: no such file; pass --config with the path of a TOML file (examples/quickstart.toml is a start)",
                            path.display()
                        ),
                    }],
                });
            }
            figment = figment.merge(Toml::file_exact(path));
        }
        // `GATEHOUSE_TEST_…` belongs to the test tooling (the broker the tests use), never to
        // the service: no setting is named `test`, and refusing them would fail every run of a
        // binary started from the test script.
        let settings_only = |key: &figment::value::UncasedStr| {
            !key.as_str().to_ascii_uppercase().starts_with(TEST_PREFIX)
        };
        figment = figment.merge(Env::prefixed(ENV_PREFIX).filter(settings_only).split("__"));
        Self::extract(figment, file, more)
    }

    /// Parses TOML text alone (no environment), then validates. For tests and tools.
    pub fn from_toml(text: &str) -> Result<Settings, ConfigError> {
        Self::from_toml_checked(text, |_| Vec::new())
    }

    /// Like [`Settings::from_toml`], with `more` checks as in [`Settings::load_checked`].
    pub fn from_toml_checked(
        text: &str,
        more: impl FnOnce(&Settings) -> Vec<Problem>,
    ) -> Result<Settings, ConfigError> {
        let figment =
            Figment::from(Serialized::defaults(DefaultsOnly::default())).merge(Toml::string(text));
        Self::extract(figment, None, more)
    }

    fn extract(
        figment: Figment,
        file: Option<&Path>,
        more: impl FnOnce(&Settings) -> Vec<Problem>,
    ) -> Result<Settings, ConfigError> {
        let settings: Settings = figment.extract().map_err(|e| ConfigError {
            file: file.map(Path::to_owned),
            problems: e.into_iter().map(problem_of).collect(),
        })?;
        let mut problems = settings.validate();
        problems.extend(more(&settings));
        if problems.is_empty() {
            Ok(settings)
        } else {
            Err(ConfigError {
                file: file.map(Path::to_owned),
                problems,
            })
        }
    }

    /// Checks what serde cannot: references, ranges, secrets that must resolve.
    pub fn validate(&self) -> Vec<Problem> {
        let mut problems = Vec::new();
        let mut problem = |key: &str, message: String| {
            problems.push(Problem {
                key: key.to_owned(),
                message,
            })
        };

        let max = self.service.max_body_bytes;
        if max == 0 || max > 16 * 1024 * 1024 {
            problem(
                "service.max_body_bytes",
                format!("{max} is out of range; choose between 1 and 16777216 (16 MiB)"),
            );
        }
        let engine = &self.engine;
        if !(1..=256).contains(&engine.concurrency) {
            problem(
                "engine.concurrency",
                format!(
                    "{} is out of range; choose between 1 and 256",
                    engine.concurrency
                ),
            );
        }
        if engine.max_attempts == 0 {
            problem("engine.max_attempts", "must be at least 1".to_owned());
        }
        if engine.retry_base_seconds == 0 || engine.retry_base_seconds > engine.retry_max_seconds {
            problem(
                "engine.retry_base_seconds",
                "must be at least 1 and not more than engine.retry_max_seconds".to_owned(),
            );
        }
        if engine.lease_seconds < 10 {
            problem(
                "engine.lease_seconds",
                "must be at least 10: a command's Salesforce calls must fit in its lease"
                    .to_owned(),
            );
        }
        if engine.worker_id.trim().is_empty() {
            problem("engine.worker_id", "must not be empty".to_owned());
        }
        let StoreConfig::Sqlite { max_batch, .. } = &self.store;
        if !(1..=10_000).contains(max_batch) {
            problem(
                "store.max_batch",
                format!("{max_batch} is out of range; choose between 1 and 10000"),
            );
        }

        if let Some(salesforce) = &self.salesforce {
            for (key, message) in salesforce.problems() {
                problem(key, message);
            }
        }
        match &self.salesforce {
            None => problem(
                "salesforce",
                "no org is configured; add a [salesforce] table with org = \"remote\" (login_url and auth) for a real org, or org = \"simulated\" to try Gatehouse with its built-in simulated org".to_owned(),
            ),
            Some(SalesforceConfig::Remote {
                login_url,
                api_version,
                auth,
                ..
            }) => {
                if let Err(message) = check_login_url(login_url) {
                    problem("salesforce.login_url", message);
                }
                if !valid_api_version(api_version) {
                    problem(
                        "salesforce.api_version",
                        format!("'{api_version}' is not a REST API version; use the form 68.0 (46.0 or later)"),
                    );
                }
                let secret = match auth {
                    super::SalesforceAuth::JwtBearer { private_key, .. } => {
                        private_key.resolve("salesforce.auth.private_key")
                    }
                    super::SalesforceAuth::ClientCredentials { client_secret, .. } => {
                        client_secret.resolve("salesforce.auth.client_secret")
                    }
                };
                if let Err(e) = secret {
                    problems.push(secret_problem(e));
                }
            }
            Some(SalesforceConfig::Simulated { fixture, .. }) => {
                if let Some(path) = fixture.as_ref().filter(|p| !p.is_file()) {
                    problem(
                        "salesforce.fixture",
                        format!("{} does not exist; remove the key to use the built-in org", path.display()),
                    );
                }
            }
        }

        if let Some(kafka) = &self.kafka {
            for (key, message) in kafka.problems(&self.sources) {
                problems.push(Problem { key, message });
            }
        }
        for (key, message) in self.telemetry.problems() {
            problems.push(Problem {
                key: key.to_owned(),
                message,
            });
        }
        if let Some(key) = &self.log.mask_key
            && let Err(e) = key.resolve("log.mask_key")
        {
            problems.push(secret_problem(e));
        }

        if let Some(token) = &self.admin.token {
            match token.resolve("admin.token") {
                Ok(t) if secrecy::ExposeSecret::expose_secret(&t).len() < 16 => {
                    problems.push(Problem {
                        key: "admin.token".to_owned(),
                        message: "shorter than 16 characters; use a long random value (e.g. openssl rand -hex 32)".to_owned(),
                    })
                }
                Ok(_) => {}
                Err(e) => problems.push(secret_problem(e)),
            }
        }

        for (name, source) in &self.sources {
            let key = format!("sources.{name}");
            if !valid_source_name(name) {
                problems.push(Problem {
                    key: key.clone(),
                    message: "a source name may hold only lowercase letters, digits, '-' and '_' (it is part of the webhook URL)".to_owned(),
                });
            }
            for (field, locator) in [
                ("event_id", &source.event_id),
                ("event_time", &source.event_time),
            ] {
                if let Some(super::Locator::Body { json_pointer }) = locator
                    && !json_pointer.is_empty()
                    && !json_pointer.starts_with('/')
                {
                    problems.push(Problem {
                        key: format!("{key}.{field}.json_pointer"),
                        message: format!("'{json_pointer}' is not a JSON Pointer; it starts with '/', e.g. \"/data/id\""),
                    });
                }
            }
            match &source.verification {
                Some(verification) => {
                    if let Err(e) = verification.resolve(&format!("{key}.verification")) {
                        problems.push(Problem {
                            key: format!("{key}.verification"),
                            message: e.to_string(),
                        });
                    }
                }
                None if !self.is_fed_by_kafka(name) => problems.push(Problem {
                    key: format!("{key}.verification"),
                    message: format!(
                        "is missing, and no Kafka topic is bound to this source, so no event could ever reach it; add [{key}.verification] to receive webhooks, or bind a topic with [kafka.topics.TOPIC] source = \"{name}\""
                    ),
                }),
                None => {}
            }
        }
        problems
    }
}

impl Settings {
    /// Whether a mapped Kafka topic is bound to the source: then it may go without a webhook
    /// verification scheme.
    pub fn is_fed_by_kafka(&self, source: &str) -> bool {
        self.kafka.as_ref().is_some_and(|kafka| {
            kafka
                .topics
                .values()
                .any(|topic| topic.format == super::TopicFormat::Mapped && topic.source == source)
        })
    }
}

/// Defaults as a serialisable value, so figment knows every key exists before the file merges.
#[derive(serde::Serialize, Default)]
struct DefaultsOnly {
    service: super::ServiceConfig,
    store: StoreConfig,
    log: super::LogConfig,
    mapping: super::MappingConfig,
    engine: super::EngineConfig,
    outbox: super::OutboxConfig,
    telemetry: super::TelemetryConfig,
}

fn problem_of(e: figment::Error) -> Problem {
    let key = e.path.join(".");
    let origin = e
        .metadata
        .as_ref()
        .map(|m| format!(" (from {})", m.name))
        .unwrap_or_default();
    Problem {
        key,
        message: format!("{}{origin}", e.kind),
    }
}

fn secret_problem(e: super::SecretError) -> Problem {
    // The error text already starts with the key.
    Problem {
        key: String::new(),
        message: e.to_string(),
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
