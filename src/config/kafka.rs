//! `[kafka]`: events in from topics, outcome events out to a topic. Absent means Kafka is off.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{SecretRef, SourceConfig};

mod allow;

pub use allow::NativeAllowList;

/// `[kafka]`: the brokers, how to reach them, and the topics Gatehouse reads and writes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KafkaConfig {
    /// Bootstrap brokers, comma-separated `host:port` (librdkafka's `bootstrap.servers`).
    pub brokers: String,
    /// The consumer group every Gatehouse process of one deployment shares.
    #[serde(default = "default_group_id")]
    pub group_id: String,
    /// Shown to the brokers in their logs and quotas.
    #[serde(default = "default_client_id")]
    pub client_id: String,
    /// librdkafka properties passed through as written: `security.protocol`, `sasl.mechanisms`,
    /// `sasl.username`, `ssl.ca.location`, … (see librdkafka's CONFIGURATION.md).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, String>,
    /// librdkafka properties whose values are secrets (`sasl.password`, `ssl.key.password`),
    /// each inline, `{ env = "NAME" }` or `{ file = "/path" }`. Never printed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub secret_properties: BTreeMap<String, SecretRef>,
    /// Topics to consume, by topic name.
    #[serde(default)]
    pub topics: BTreeMap<String, TopicConfig>,
    /// Where records that cannot be decoded go, with headers saying why and where they came
    /// from. Required when any topic is consumed.
    #[serde(default)]
    pub dead_letter_topic: Option<String>,
    /// Where outcome events are published; without it outcomes stay in the outbox (pruned
    /// after `[outbox] retention_hours`).
    #[serde(default)]
    pub outcomes: Option<OutcomesConfig>,
    /// How long an offset may wait before it is committed (its event is already durable).
    #[serde(default = "default_commit_interval_ms")]
    pub commit_interval_ms: u64,
    /// KiB of records one partition may hold in memory, polled but waiting for its task, before
    /// it is paused. Pausing makes librdkafka fetch again what it had read ahead, so a partition
    /// holds several fetch responses before it pauses.
    #[serde(default = "default_hold_back_kib")]
    pub hold_back_kib: u64,
}

/// `[kafka.topics.NAME]`: one topic Gatehouse consumes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TopicConfig {
    /// The source its records belong to. For a `mapped` topic, a `[sources.NAME]` whose rules,
    /// `event_id` and `event_time` apply (a header locator reads a Kafka header). For a `native`
    /// topic, the name commands are recorded under; it must not be a configured source.
    pub source: String,
    /// `mapped` (the source's own payloads, through its mapping rules) or `native` (Gatehouse
    /// commands from `proto/gatehouse/v1/commands.proto`, JSON or protobuf).
    #[serde(default)]
    pub format: TopicFormat,
    /// `[kafka.topics.NAME.allow]`: for a native topic, what its producer may ask for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow: Option<NativeAllowList>,
}

/// What a consumed topic carries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TopicFormat {
    #[default]
    Mapped,
    Native,
}

/// `[kafka.outcomes]`: the outcome topic.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomesConfig {
    pub topic: String,
    /// The `data` encoding: `json` (default) or `protobuf` (`gatehouse.v1.OutcomeEvent`).
    #[serde(default)]
    pub encoding: OutcomeEncoding,
    /// The CloudEvents `source` attribute, a URI reference naming this deployment.
    #[serde(default = "default_ce_source")]
    pub ce_source: String,
    /// Outbox rows read and published per batch.
    #[serde(default = "default_batch")]
    pub batch: u32,
}

/// The encoding of an outcome event's `data`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OutcomeEncoding {
    #[default]
    Json,
    Protobuf,
}

/// `[outbox]`: how long outcome events are kept once published, or at all when nothing
/// publishes them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutboxConfig {
    /// Published rows older than this are deleted; with no outcome topic configured, every
    /// row older than this is, published or not. 0 keeps them forever.
    pub retention_hours: u64,
}

impl Default for OutboxConfig {
    fn default() -> Self {
        OutboxConfig {
            retention_hours: 168,
        }
    }
}

fn default_group_id() -> String {
    "gatehouse".to_owned()
}

fn default_client_id() -> String {
    "gatehouse".to_owned()
}

fn default_commit_interval_ms() -> u64 {
    1000
}

fn default_hold_back_kib() -> u64 {
    16 * 1024
}

fn default_ce_source() -> String {
    "urn:gatehouse".to_owned()
}

fn default_batch() -> u32 {
    500
}

/// Whether a librdkafka property holds a secret: a password, a secret, or a private key
/// written inline (`ssl.key.pem`, `ssl.keystore.password`, `sasl.oauthbearer.client.secret`, …).
pub fn is_secret_like(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    key.contains("password") || key.contains("secret") || key == "ssl.key.pem"
}

/// librdkafka properties Gatehouse sets itself: writing them would break a guarantee.
const OWNED_PROPERTIES: &[&str] = &[
    "bootstrap.servers",
    "group.id",
    "client.id",
    "enable.auto.offset.store",
    "enable.idempotence",
    "acks",
];

impl KafkaConfig {
    /// The native topics read without TLS or authentication (`security.protocol` unset or
    /// `plaintext`, librdkafka's default): anyone who can reach the brokers could produce
    /// commands to them.
    pub fn native_topics_in_plaintext(&self) -> Vec<&str> {
        let protocol = self
            .properties
            .get("security.protocol")
            .map_or("plaintext", String::as_str);
        if !protocol.eq_ignore_ascii_case("plaintext") {
            return Vec::new();
        }
        self.topics
            .iter()
            .filter(|(_, topic)| topic.format == TopicFormat::Native)
            .map(|(name, _)| name.as_str())
            .collect()
    }

    /// What is wrong, as (key, message) pairs; `sources` are the configured sources.
    pub fn problems(&self, sources: &BTreeMap<String, SourceConfig>) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        self.check_connection(&mut problems);
        self.check_topics(sources, &mut problems);
        if !(64..=4 * 1024 * 1024).contains(&self.hold_back_kib) {
            problems.push((
                "kafka.hold_back_kib".to_owned(),
                format!(
                    "is {}; give between 64 (KiB) and 4194304 (4 GiB) of records a partition may hold in memory before it pauses",
                    self.hold_back_kib
                ),
            ));
        }
        self.check_dead_letter_topic(&mut problems);
        if let Some(outcomes) = &self.outcomes {
            self.check_outcomes(outcomes, &mut problems);
        }
        if self.topics.is_empty() && self.outcomes.is_none() {
            problems.push((
                "kafka".to_owned(),
                "names no topics to consume and no [kafka.outcomes] topic; add one, or remove [kafka]".to_owned(),
            ));
        }
        problems
    }

    /// The brokers, the group, and the librdkafka properties (plain and secret).
    fn check_connection(&self, problems: &mut Vec<(String, String)>) {
        if self.brokers.trim().is_empty() {
            problems.push((
                "kafka.brokers".to_owned(),
                "must name at least one broker, e.g. \"kafka-1:9092,kafka-2:9092\"".to_owned(),
            ));
        }
        if self.group_id.trim().is_empty() {
            problems.push(("kafka.group_id".to_owned(), "must not be empty".to_owned()));
        }
        for key in self.properties.keys().chain(self.secret_properties.keys()) {
            if OWNED_PROPERTIES.contains(&key.as_str()) {
                problems.push((
                    format!("kafka.properties.{key}"),
                    "is set by Gatehouse itself; use kafka.brokers / kafka.group_id / kafka.client_id, or remove it".to_owned(),
                ));
            }
        }
        for key in self.properties.keys().filter(|key| is_secret_like(key)) {
            problems.push((
                format!("kafka.properties.{key}"),
                format!(
                    "looks like a secret, and properties are shown as written (check-config prints them); move it to kafka.secret_properties, e.g. secret_properties = {{ \"{key}\" = {{ env = \"KAFKA_SECRET\" }} }}"
                ),
            ));
        }
        for (key, secret) in &self.secret_properties {
            let path = format!("kafka.secret_properties.{key}");
            if let Err(e) = secret.resolve(&path) {
                problems.push((path, crate::report::chain(&e).to_string()));
            }
        }
    }

    /// Each consumed topic names a source its format can use: a mapped topic needs that
    /// source's rules, a native topic a name of its own.
    fn check_topics(
        &self,
        sources: &BTreeMap<String, SourceConfig>,
        problems: &mut Vec<(String, String)>,
    ) {
        for (topic, config) in &self.topics {
            self.check_allow(topic, config, problems);
            let key = format!("kafka.topics.{topic}.source");
            match (config.format, sources.contains_key(&config.source)) {
                (TopicFormat::Mapped, false) => problems.push((
                    key,
                    format!(
                        "no [sources.{}] is configured; a mapped topic needs that source's rules",
                        config.source
                    ),
                )),
                (TopicFormat::Native, true) => problems.push((
                    key,
                    format!(
                        "'{}' is a configured source with mapping rules; a native topic records its commands under a name of its own",
                        config.source
                    ),
                )),
                _ if config.source.trim().is_empty() => {
                    problems.push((key, "must not be empty".to_owned()))
                }
                _ => {}
            }
        }
    }

    /// An allow-list belongs to a native topic, and speaks for its source alone: commands are
    /// judged by the source they are recorded under.
    fn check_allow(&self, topic: &str, config: &TopicConfig, problems: &mut Vec<(String, String)>) {
        let Some(allow) = &config.allow else {
            return;
        };
        let key = format!("kafka.topics.{topic}.allow");
        if config.format != TopicFormat::Native {
            problems.push((
                key.clone(),
                "only a native topic takes an allow-list; a mapped topic's rules say what its events may do".to_owned(),
            ));
        }
        let shared = self
            .topics
            .iter()
            .find(|(other, c)| *other != topic && c.source == config.source);
        if let Some((other, _)) = shared {
            problems.push((
                key.clone(),
                format!(
                    "topic {other} records under the same source '{}', so its commands would be judged by this list too; give each native topic a source of its own",
                    config.source
                ),
            ));
        }
        problems.extend(allow.problems(&key));
    }

    /// Undecodable records need somewhere to go that is not a topic being read.
    fn check_dead_letter_topic(&self, problems: &mut Vec<(String, String)>) {
        if !self.topics.is_empty() && self.dead_letter_topic.is_none() {
            problems.push((
                "kafka.dead_letter_topic".to_owned(),
                "is required when topics are consumed: records that cannot be decoded go there instead of blocking their partition".to_owned(),
            ));
        }
        if let Some(dead) = &self.dead_letter_topic
            && self.topics.contains_key(dead)
        {
            problems.push((
                "kafka.dead_letter_topic".to_owned(),
                "must not be one of the consumed topics".to_owned(),
            ));
        }
    }

    /// `[kafka.outcomes]`: a topic not consumed, a batch in range, a CloudEvents source.
    fn check_outcomes(&self, outcomes: &OutcomesConfig, problems: &mut Vec<(String, String)>) {
        if self.topics.contains_key(&outcomes.topic) {
            problems.push((
                "kafka.outcomes.topic".to_owned(),
                "must not be one of the consumed topics".to_owned(),
            ));
        }
        if !(1..=10_000).contains(&outcomes.batch) {
            problems.push((
                "kafka.outcomes.batch".to_owned(),
                format!(
                    "{} is out of range; choose between 1 and 10000",
                    outcomes.batch
                ),
            ));
        }
        if outcomes.ce_source.trim().is_empty() {
            problems.push((
                "kafka.outcomes.ce_source".to_owned(),
                "must not be empty; it is the CloudEvents source, e.g. \"urn:gatehouse:prod\""
                    .to_owned(),
            ));
        }
    }
}

#[cfg(test)]
mod tests;
