//! Configuration: one TOML file plus `GATEHOUSE_…` environment overrides, validated at start-up.
//!
//! Layering, later wins: built-in defaults → the TOML file → environment variables named
//! `GATEHOUSE_` + the key path in capitals with `__` between levels (`GATEHOUSE_SERVICE__LISTEN`,
//! `GATEHOUSE_STORE__PATH`). Every problem found is reported at once, each naming its key.

pub mod admin;
pub mod engine;
pub mod guard;
pub mod kafka;
pub mod licences;
mod load;
pub mod mapping;
pub mod outcomes;
pub mod reconcile;
pub mod retention;
pub mod roster;
pub mod rule;
pub mod salesforce;
pub mod secret;
pub mod service;
pub mod source;
pub mod store;
pub mod telemetry;
mod validate;
pub mod verification;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

pub use admin::{ActorClaim, AdminConfig, OidcConfig, OperatorConfig};
pub use engine::{BatchConfig, EngineConfig};
pub use guard::{GuardConfig, LimitConfig};
pub use kafka::{
    KafkaConfig, NativeAllowList, OutboxConfig, OutcomeEncoding, OutcomesConfig, TopicConfig,
    TopicFormat,
};
pub use licences::{LicencesConfig, ReclaimAction};
pub use load::{ConfigError, Problem};
pub use mapping::{MappingConfig, UserDefaults};
pub use outcomes::{OutcomeWebhooksConfig, ResolvedSubscriber, WebhookSubscriberConfig};
pub use reconcile::{DriftPolicies, Policy, ReconcileConfig};
pub use retention::RetentionConfig;
pub use roster::RosterConfig;
pub use rule::{AccountRule, ContactRule, DeprovisionRule, ProvisionRule, RuleConfig};
pub use salesforce::{PreflightAtStart, PreflightSettings, SalesforceAuth, SalesforceConfig};
pub use secret::{SecretError, SecretRef};
pub use service::ServiceConfig;
pub use source::{BodyFormat, Locator, SourceConfig, SourceLimits};
pub use store::{PostgresConfig, SslMode, StoreConfig};
pub use telemetry::{OtlpProtocol, TelemetryConfig};
pub use verification::{SecretEntry, VerificationConfig, VerificationConfigError};

/// The whole configuration.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    #[serde(default)]
    pub service: ServiceConfig,
    #[serde(default)]
    pub store: StoreConfig,
    /// The org to provision into; required.
    #[serde(default)]
    pub salesforce: Option<SalesforceConfig>,
    #[serde(default)]
    pub engine: EngineConfig,
    /// The mass-deprovision guard's thresholds.
    #[serde(default)]
    pub guard: GuardConfig,
    /// Kafka in and out; absent means off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kafka: Option<KafkaConfig>,
    /// How long outcome events are kept.
    #[serde(default)]
    pub outbox: OutboxConfig,
    /// Outcome events delivered by signed webhooks.
    #[serde(default)]
    pub outcomes: OutcomeWebhooksConfig,
    #[serde(default)]
    pub admin: AdminConfig,
    #[serde(default)]
    pub log: LogConfig,
    /// Traces and the metrics that cost API calls.
    #[serde(default)]
    pub telemetry: TelemetryConfig,
    /// Licence hygiene: reclaiming the licences of people who no longer log in.
    #[serde(default)]
    pub licences: LicencesConfig,
    /// Org-wide settings of the mapping rules.
    #[serde(default)]
    pub mapping: MappingConfig,
    /// Senders of events, by name. The name is the last segment of the webhook URL.
    #[serde(default)]
    pub sources: BTreeMap<String, SourceConfig>,
    /// Comparing the org with the lifecycle records.
    #[serde(default)]
    pub reconcile: ReconcileConfig,
    /// How long personal data is kept, per kind of record.
    #[serde(default)]
    pub retention: RetentionConfig,
}

/// `[log]`: how Gatehouse writes its log.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LogConfig {
    /// `auto` (JSON lines unless the output is a terminal), `json` or `text`.
    pub format: LogFormat,
    /// A tracing filter such as `info` or `gatehouse=debug,actix_web=info`; `RUST_LOG` wins when set.
    pub level: String,
    /// Key of the hash that masks personal data (emails, names) in log lines and exported
    /// spans. Required unless the org is the simulated one: the built-in key is public, so
    /// anyone holding a guessed email could confirm it by hashing it the same way.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mask_key: Option<SecretRef>,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            format: LogFormat::Auto,
            level: "info".to_owned(),
            mask_key: None,
        }
    }
}

/// Log line format.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    #[default]
    Auto,
    Json,
    Text,
}
