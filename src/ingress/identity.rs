//! What makes two deliveries one event, and when it happened: the dedupe key and the source time,
//! read alike from a webhook (its HTTP headers and body) and from a Kafka record (its headers and
//! payload), so a source's `event_id` and `event_time` mean the same on either road.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::config::{BodyFormat, Locator, SourceConfig};
use crate::store::KeyOrigin;

/// A delivery's headers, as a `{ header = "…" }` locator reads them.
pub trait Headers {
    /// The first value of header `name`, compared case-insensitively: HTTP header names are,
    /// and a Kafka header written `Event-Id` by one producer and `event-id` by another is
    /// still the header the config names.
    fn header(&self, name: &str) -> Option<&[u8]>;
}

/// Why a body is not in its source's format.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    #[error("the body is empty; a SOAP message was expected")]
    EmptySoap,
    #[error("the body is not valid JSON: {0}")]
    MalformedJson(#[source] serde_json::Error),
}

/// The source's configured event id is not where the config says.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("source '{source_name}' puts its event id {place}; this delivery has none there")]
pub struct MissingEventId {
    pub source_name: String,
    /// Where the id was looked for, e.g. "in the body at /uuid".
    pub place: String,
}

/// Checks `body` against the source's format and returns it parsed when a locator of the
/// source reads the JSON body (else the mapping parses it when it reads it, and nothing is
/// kept here). XML bodies are kept as they are.
pub fn parse_body(source: &SourceConfig, body: &[u8]) -> Result<Option<Value>, BodyError> {
    match source.format {
        BodyFormat::SoapXml => {
            if body.iter().all(u8::is_ascii_whitespace) {
                return Err(BodyError::EmptySoap);
            }
            Ok(None)
        }
        BodyFormat::Json => {
            let reads_body = [&source.event_id, &source.event_time]
                .into_iter()
                .any(|l| matches!(l, Some(Locator::Body { .. })));
            if reads_body {
                serde_json::from_slice(body)
                    .map(Some)
                    .map_err(BodyError::MalformedJson)
            } else {
                serde_json::from_slice::<serde::de::IgnoredAny>(body)
                    .map(|_| None)
                    .map_err(BodyError::MalformedJson)
            }
        }
    }
}

/// The key that makes a redelivery a duplicate: the configured event id, else the sender's
/// own message id (a signature scheme's, e.g. Standard Webhooks' `webhook-id`), else a hash of
/// the raw body, so that only a byte-identical resend counts as the same event.
pub fn dedupe_key(
    source_name: &str,
    source: &SourceConfig,
    headers: &impl Headers,
    parsed: Option<&Value>,
    raw: &[u8],
    message_id: Option<&str>,
) -> Result<(String, KeyOrigin), MissingEventId> {
    match &source.event_id {
        Some(locator) => {
            let value = locate(locator, headers, parsed).ok_or_else(|| MissingEventId {
                source_name: source_name.to_owned(),
                place: describe(locator),
            })?;
            let origin = match locator {
                Locator::Header { .. } => KeyOrigin::Header,
                Locator::Body { .. } => KeyOrigin::Body,
            };
            Ok((value, origin))
        }
        None => match message_id {
            Some(id) => Ok((id.to_owned(), KeyOrigin::Header)),
            None => Ok((content_hash(raw), KeyOrigin::ContentHash)),
        },
    }
}

/// When the source says the event happened, if its `event_time` locator finds a time.
pub fn event_time(
    source: &SourceConfig,
    headers: &impl Headers,
    parsed: Option<&Value>,
) -> Option<DateTime<Utc>> {
    let text = locate(source.event_time.as_ref()?, headers, parsed)?;
    crate::domain::time::parse_instant(&text)
}

/// `sha256:` and the hex SHA-256 of the bytes: the dedupe key of an event that carries no id.
pub fn content_hash(body: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(body)))
}

fn locate(locator: &Locator, headers: &impl Headers, body: Option<&Value>) -> Option<String> {
    let text = match locator {
        Locator::Header { header } => std::str::from_utf8(headers.header(header)?)
            .ok()?
            .trim()
            .to_owned(),
        Locator::Body { json_pointer } => match body?.pointer(json_pointer)? {
            Value::String(s) => s.trim().to_owned(),
            Value::Number(n) => n.to_string(),
            _ => return None,
        },
    };
    (!text.is_empty()).then_some(text)
}

fn describe(locator: &Locator) -> String {
    match locator {
        Locator::Header { header } => format!("in the {header} header"),
        Locator::Body { json_pointer } => format!("in the body at {json_pointer}"),
    }
}

#[cfg(test)]
mod tests;
