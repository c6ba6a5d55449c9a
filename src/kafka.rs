//! librdkafka settings from `[kafka]`: what the user wrote, plus what Gatehouse's guarantees need.

use rdkafka::ClientConfig;
use secrecy::ExposeSecret;

use crate::config::{KafkaConfig, SecretError};

/// The settings every client shares: brokers, client id, and the user's properties (security
/// settings among them), secrets resolved.
pub fn common(kafka: &KafkaConfig) -> Result<ClientConfig, SecretError> {
    let mut config = ClientConfig::new();
    config
        .set("bootstrap.servers", &kafka.brokers)
        .set("client.id", &kafka.client_id);
    for (key, value) in &kafka.properties {
        config.set(key, value);
    }
    for (key, secret) in &kafka.secret_properties {
        let value = secret.resolve(&format!("kafka.secret_properties.{key}"))?;
        config.set(key, value.expose_secret());
    }
    Ok(config)
}

/// A consumer in the group that stores an offset only once its record is durable in the inbox
/// (`enable.auto.offset.store=false`); stored offsets are committed every
/// `commit_interval_ms` and when partitions are revoked.
pub fn consumer(kafka: &KafkaConfig) -> Result<ClientConfig, SecretError> {
    let mut config = common(kafka)?;
    config
        .set("group.id", &kafka.group_id)
        .set("enable.auto.offset.store", "false")
        .set("enable.auto.commit", "true")
        .set(
            "auto.commit.interval.ms",
            kafka.commit_interval_ms.to_string(),
        )
        .set_if_unset("auto.offset.reset", "earliest");
    Ok(config)
}

/// An idempotent producer: every record acknowledged by all in-sync replicas, retries never
/// duplicating or reordering.
pub fn producer(kafka: &KafkaConfig) -> Result<ClientConfig, SecretError> {
    let mut config = common(kafka)?;
    config.set("enable.idempotence", "true").set("acks", "all");
    Ok(config)
}

trait SetIfUnset {
    fn set_if_unset(&mut self, key: &str, value: &str) -> &mut Self;
}

impl SetIfUnset for ClientConfig {
    fn set_if_unset(&mut self, key: &str, value: &str) -> &mut Self {
        if self.get(key).is_none() {
            self.set(key, value);
        }
        self
    }
}
