//! Reading and validating the configuration, with errors that name the key and say what to fix.

use std::fmt;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};

use super::Settings;

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
        // A setting is always a table's key, `GATEHOUSE_TABLE__KEY`: a name without `__` is
        // not one — `GATEHOUSE_CONFIG` (the config file's path), or a secret a config names
        // (`{ env = "GATEHOUSE_ADMIN_TOKEN" }`) — and refusing it would stop the service.
        // `GATEHOUSE_TEST_…` belongs to the test tooling (the broker the tests use): no table
        // is named `test`.
        let settings_only = |key: &figment::value::UncasedStr| {
            let key = key.as_str().to_ascii_uppercase();
            key.contains("__") && !key.starts_with(TEST_PREFIX)
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
}

/// Defaults as a serialisable value, so figment knows every key exists before the file merges.
#[derive(serde::Serialize, Default)]
struct DefaultsOnly {
    service: super::ServiceConfig,
    store: StoreKindDefault,
    log: super::LogConfig,
    mapping: super::MappingConfig,
    engine: super::EngineConfig,
    outbox: super::OutboxConfig,
    telemetry: super::TelemetryConfig,
}

/// The store's default is its kind alone: the defaults of the SQLite table (its `path`) merged
/// under a `kind = "postgres"` table would be unknown keys there. Each kind's own keys default
/// through serde.
#[derive(serde::Serialize)]
struct StoreKindDefault {
    kind: &'static str,
}

impl Default for StoreKindDefault {
    fn default() -> Self {
        StoreKindDefault { kind: "sqlite" }
    }
}

pub(super) fn problem_of(e: figment::Error) -> Problem {
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
