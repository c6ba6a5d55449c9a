//! One delivery as it goes on the wire: a structured-mode CloudEvent, signed as Standard
//! Webhooks says.
//!
//! The body's attributes are the Kafka record's `ce_*` headers (`specversion`, `id`, `source`,
//! `type`, `subject`, `time`), `datacontenttype` is `application/json`, and `data` is the
//! outcome as the Kafka record's JSON value, so one consumer can read either. The stored trace
//! context rides along as the `traceparent` extension.
//!
//! The signature is `v1,` and the base64 of HMAC-SHA256 over `{webhook-id}.{webhook-timestamp}.
//! {body}`, under the key decoded from each `whsec_` secret; with several secrets (rotation) the
//! header lists one signature per secret, space-separated. `webhook-id` is the event's `id`
//! (the outbox id), the same on every attempt, so a receiver drops repeats.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, SecondsFormat, Utc};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretSlice};
use serde_json::{Map, Value};
use sha2::Sha256;

use crate::store::OutboxRow;

/// The `Content-Type` of a structured-mode CloudEvent in JSON.
pub const CONTENT_TYPE: &str = "application/cloudevents+json";

/// A delivery's body and Standard Webhooks headers.
#[derive(Debug, Clone, PartialEq)]
pub struct SignedMessage {
    pub id: String,
    /// Seconds since the Unix epoch, as sent in `webhook-timestamp`.
    pub timestamp: i64,
    /// The space-separated `v1,<base64>` signatures.
    pub signature: String,
    pub body: Vec<u8>,
}

/// The CloudEvent of `row` in structured mode, its attributes those of the Kafka record.
pub fn cloud_event(row: &OutboxRow, ce_source: &str) -> Value {
    let mut event = Map::new();
    event.insert("specversion".into(), "1.0".into());
    event.insert("id".into(), row.outbox_id.as_str().into());
    event.insert("source".into(), ce_source.into());
    event.insert("type".into(), row.event_type.clone().into());
    event.insert("subject".into(), row.subject_key.as_str().into());
    event.insert(
        "time".into(),
        row.created_at
            .to_rfc3339_opts(SecondsFormat::Millis, true)
            .into(),
    );
    event.insert("datacontenttype".into(), "application/json".into());
    if let Some(traceparent) = &row.traceparent {
        event.insert("traceparent".into(), traceparent.clone().into());
    }
    event.insert("data".into(), row.payload.clone());
    Value::Object(event)
}

/// Signs `body` for message `id` at `at` with every key.
pub fn sign(
    id: &str,
    at: DateTime<Utc>,
    body: Vec<u8>,
    keys: &[impl AsRef<SecretSlice<u8>>],
) -> SignedMessage {
    let timestamp = at.timestamp();
    let signature = keys
        .iter()
        .map(|key| {
            let mut mac = Hmac::<Sha256>::new_from_slice(key.as_ref().expose_secret())
                .expect("HMAC takes a key of any length");
            mac.update(id.as_bytes());
            mac.update(b".");
            mac.update(timestamp.to_string().as_bytes());
            mac.update(b".");
            mac.update(&body);
            format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
        })
        .collect::<Vec<_>>()
        .join(" ");
    SignedMessage {
        id: id.to_owned(),
        timestamp,
        signature,
        body,
    }
}

/// The signed message for `row`.
pub fn message(
    row: &OutboxRow,
    ce_source: &str,
    at: DateTime<Utc>,
    keys: &[impl AsRef<SecretSlice<u8>>],
) -> SignedMessage {
    let body = cloud_event(row, ce_source).to_string().into_bytes();
    sign(row.outbox_id.as_str(), at, body, keys)
}

#[cfg(test)]
mod tests;
