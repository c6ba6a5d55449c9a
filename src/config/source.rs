//! Sources: the named senders of events, each with its body format and signature scheme (or, for
//! a sender that only publishes to Kafka, none).

use serde::{Deserialize, Serialize};

use super::VerificationConfig;

mod limits;
mod replay;

pub use limits::SourceLimits;
pub use replay::MAX_REPLAY_WINDOW;

/// `[sources.NAME]`: one sender, reached at `POST /v1/webhooks/NAME`, or through a Kafka topic
/// bound to it (`[kafka.topics.T] source = "NAME"`), or both.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceConfig {
    /// What this sender is, for people reading the config.
    #[serde(default)]
    pub description: Option<String>,
    /// The body format the sender uses; anything else is refused with 415.
    #[serde(default)]
    pub format: BodyFormat,
    /// Where the sender puts its event id, the key that makes redelivery harmless. When unset,
    /// the signature scheme's own id is used (Standard Webhooks' `webhook-id`), else a SHA-256
    /// of the raw body — the right choice for senders that give no id (BambooHR, HiBob) or put
    /// it in a header their signature does not cover (Greenhouse). A header is refused unless
    /// the signature covers it.
    #[serde(default)]
    pub event_id: Option<Locator>,
    /// Where the sender puts the time the event happened, used to order events of one person.
    #[serde(default)]
    pub event_time: Option<Locator>,
    /// For senders that sign no timestamp: how long after the time its body gives an event may
    /// arrive and still be acted on without an operator's replay (`"24h"`, `"90m"`). Default
    /// 24 hours for HMAC senders without a signed timestamp (16 hours for Greenhouse), none
    /// for schemes whose signed timestamp bounds replays already.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replay_window: Option<String>,
    /// How the sender proves a webhook is theirs. A source without one takes no webhooks: its
    /// events come only from a Kafka topic bound to it, where the broker's own authentication
    /// and ACLs say who may publish.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verification: Option<VerificationConfig>,
    /// How this sender's events become commands, tried in order: the first that matches wins.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<super::RuleConfig>,
    /// `[sources.NAME.limits]`: how fast this sender may deliver webhooks before it is
    /// answered `429`.
    #[serde(default)]
    pub limits: SourceLimits,
    /// `[sources.NAME.roster]`: the source's full list of current people, uploaded or read
    /// from a file, against which its people's access is checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub roster: Option<super::RosterConfig>,
}

/// The body format a source sends.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BodyFormat {
    /// `application/json` (or any `+json` type).
    #[default]
    Json,
    /// SOAP XML, as Workday's outbound messages send (`text/xml`, `application/soap+xml`).
    SoapXml,
}

impl BodyFormat {
    /// Whether a request's `Content-Type` (media type only, parameters ignored) fits this format.
    pub fn accepts(self, content_type: &str) -> bool {
        let media = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match self {
            BodyFormat::Json => media == "application/json" || media.ends_with("+json"),
            BodyFormat::SoapXml => {
                media == "text/xml" || media == "application/soap+xml" || media == "application/xml"
            }
        }
    }

    /// The media type to tell a sender that got it wrong.
    pub fn media_type(self) -> &'static str {
        match self {
            BodyFormat::Json => "application/json",
            BodyFormat::SoapXml => "text/xml or application/soap+xml",
        }
    }
}

/// Where in a request a value is found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, untagged)]
pub enum Locator {
    /// In this HTTP header, e.g. `{ header = "Greenhouse-Event-ID" }`.
    Header { header: String },
    /// In the JSON body at this JSON Pointer (RFC 6901), e.g. `{ json_pointer = "/uuid" }`.
    Body { json_pointer: String },
}

#[cfg(test)]
mod tests;
