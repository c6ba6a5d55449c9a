//! `[outcomes]` and its `[[outcomes.webhooks]]`: outcome events delivered by signed HTTP POST
//! (Standard Webhooks), beside or instead of the Kafka topic.

use std::collections::BTreeSet;
use std::net::IpAddr;
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use secrecy::{ExposeSecret, SecretSlice};
use serde::{Deserialize, Serialize};
use url::Url;

use super::{SecretError, SecretRef};

/// The shortest HMAC key Gatehouse signs or verifies with, in bytes.
pub const MIN_SECRET_BYTES: usize = 16;

/// `[outcomes]`: where outcome events go besides Kafka.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OutcomeWebhooksConfig {
    /// The CloudEvents `source` of delivered events; `[kafka.outcomes] ce_source` when left
    /// out and Kafka publishes outcomes, else `urn:gatehouse`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ce_source: Option<String>,
    /// The subscribers, each receiving every event its filters let through.
    pub webhooks: Vec<WebhookSubscriberConfig>,
}

/// `[[outcomes.webhooks]]`: one receiver of outcome events.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WebhookSubscriberConfig {
    /// Names the subscriber in the admin API, metrics and logs: letters, digits, `-` and `_`.
    pub name: String,
    /// Where events are POSTed: `https://`, or `http://` to a loopback address.
    pub url: String,
    /// A `whsec_` secret (the base64 of at least 16 bytes) the deliveries are signed with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub secret: Option<SecretRef>,
    /// More secrets, for rotation: each delivery carries one signature per secret.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secrets: Vec<SecretRef>,
    /// The CloudEvents types delivered; a name ending in `*` matches by prefix. Empty: all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub types: Vec<String>,
    /// The sources whose outcomes are delivered (the event's `source`: a configured source or
    /// `operator`). Empty: all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<String>,
    /// How long one request may take, in milliseconds, before it counts as failed.
    #[serde(default = "default_timeout_ms")]
    pub timeout_ms: u64,
    /// How long a delivery is retried, in hours, before it is given up (failed).
    #[serde(default = "default_retry_hours")]
    pub retry_hours: u64,
}

fn default_timeout_ms() -> u64 {
    10_000
}

fn default_retry_hours() -> u64 {
    24
}

/// A subscriber with its secrets read and its URL parsed.
#[derive(Debug, Clone)]
pub struct ResolvedSubscriber {
    pub name: String,
    pub url: Url,
    /// The HMAC keys, decoded from `whsec_…`, in config order.
    pub keys: Vec<std::sync::Arc<SecretSlice<u8>>>,
    pub types: Vec<String>,
    pub sources: Vec<String>,
    pub timeout: Duration,
    pub retry: chrono::TimeDelta,
}

/// Why a subscriber cannot be used; names the key to fix.
#[derive(Debug, thiserror::Error)]
pub enum SubscriberError {
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error("{key}: {message}")]
    Invalid { key: String, message: String },
}

fn invalid(key: String, message: impl Into<String>) -> SubscriberError {
    SubscriberError::Invalid {
        key,
        message: message.into(),
    }
}

impl OutcomeWebhooksConfig {
    /// Every problem of every subscriber, as (key, message).
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let mut names = BTreeSet::new();
        for (index, subscriber) in self.webhooks.iter().enumerate() {
            let prefix = format!("outcomes.webhooks[{index}]");
            if !names.insert(subscriber.name.as_str()) {
                problems.push((
                    format!("{prefix}.name"),
                    format!(
                        "{:?} names another subscriber too; give each its own name",
                        subscriber.name
                    ),
                ));
            }
            if let Err(e) = subscriber.resolve(&prefix) {
                match e {
                    SubscriberError::Invalid { key, message } => problems.push((key, message)),
                    SubscriberError::Secret(e) => {
                        problems.push((String::new(), crate::report::chain(&e).to_string()));
                    }
                }
            }
        }
        problems
    }

    /// Every subscriber resolved, in config order.
    pub fn resolve(&self) -> Result<Vec<ResolvedSubscriber>, SubscriberError> {
        self.webhooks
            .iter()
            .enumerate()
            .map(|(index, s)| s.resolve(&format!("outcomes.webhooks[{index}]")))
            .collect()
    }

    /// The longest retry window of any subscriber, in hours (0 without subscribers).
    pub fn longest_retry_hours(&self) -> u64 {
        self.webhooks
            .iter()
            .map(|s| s.retry_hours)
            .max()
            .unwrap_or(0)
    }
}

impl WebhookSubscriberConfig {
    /// Checks and reads the subscriber; `prefix` is its config path, for errors.
    pub fn resolve(&self, prefix: &str) -> Result<ResolvedSubscriber, SubscriberError> {
        if self.name.is_empty()
            || !self
                .name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        {
            return Err(invalid(
                format!("{prefix}.name"),
                format!(
                    "{:?} is not a name; use letters, digits, '-' and '_'",
                    self.name
                ),
            ));
        }
        let url = delivery_url(&self.url).map_err(|m| invalid(format!("{prefix}.url"), m))?;
        let keys = self.keys(prefix)?;
        if !(100..=120_000).contains(&self.timeout_ms) {
            return Err(invalid(
                format!("{prefix}.timeout_ms"),
                format!(
                    "{} is out of range; choose between 100 and 120000",
                    self.timeout_ms
                ),
            ));
        }
        if !(1..=24 * 30).contains(&self.retry_hours) {
            return Err(invalid(
                format!("{prefix}.retry_hours"),
                format!(
                    "{} is out of range; choose between 1 and 720 (30 days)",
                    self.retry_hours
                ),
            ));
        }
        Ok(ResolvedSubscriber {
            name: self.name.clone(),
            url,
            keys,
            types: self.types.clone(),
            sources: self.sources.clone(),
            timeout: Duration::from_millis(self.timeout_ms),
            retry: chrono::TimeDelta::hours(self.retry_hours as i64),
        })
    }

    fn keys(&self, prefix: &str) -> Result<Vec<std::sync::Arc<SecretSlice<u8>>>, SubscriberError> {
        let mut entries: Vec<(String, &SecretRef)> = Vec::new();
        if let Some(secret) = &self.secret {
            entries.push((format!("{prefix}.secret"), secret));
        }
        for (index, secret) in self.secrets.iter().enumerate() {
            entries.push((format!("{prefix}.secrets[{index}]"), secret));
        }
        if entries.is_empty() {
            return Err(invalid(
                format!("{prefix}.secret"),
                "is missing; give a whsec_ secret the receiver verifies with (e.g. whsec_ and the base64 of 32 random bytes: echo whsec_$(openssl rand -base64 32))",
            ));
        }
        entries
            .into_iter()
            .map(|(key, secret)| {
                let value = secret.resolve(&key)?;
                let bytes = whsec_key(value.expose_secret()).map_err(|m| invalid(key, m))?;
                Ok(std::sync::Arc::new(SecretSlice::from(bytes)))
            })
            .collect()
    }
}

/// The HMAC key of a `whsec_` secret: the base64 after the prefix, at least
/// [`MIN_SECRET_BYTES`] long.
pub fn whsec_key(secret: &str) -> Result<Vec<u8>, String> {
    let encoded = secret.strip_prefix("whsec_").ok_or(
        "does not start with whsec_; write the secret as whsec_ followed by the base64 of its key",
    )?;
    let bytes = STANDARD
        .decode(encoded)
        .map_err(|_| "is not whsec_ followed by base64 (the standard alphabet, with padding)")?;
    if bytes.len() < MIN_SECRET_BYTES {
        return Err(format!(
            "decodes to {} bytes; use at least {MIN_SECRET_BYTES} random bytes (echo whsec_$(openssl rand -base64 32))",
            bytes.len()
        ));
    }
    Ok(bytes)
}

/// A subscriber's URL: `https`, or `http` to a loopback address (a receiver on the same host).
pub fn delivery_url(text: &str) -> Result<Url, String> {
    let url = Url::parse(text).map_err(|e| format!("{text:?} is not a URL: {e}"))?;
    match url.scheme() {
        "https" => Ok(url),
        "http" if is_loopback(&url) => Ok(url),
        "http" => Err(format!(
            "{text:?} is plain http to a host other than this one; use https (http is allowed to 127.0.0.1, ::1 and localhost only)"
        )),
        other => Err(format!("{text:?} has scheme {other:?}; use https")),
    }
}

/// Whether the URL's host is this machine: `localhost`, `127.0.0.0/8` or `::1`.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        None => false,
    }
}

#[cfg(test)]
mod tests;
