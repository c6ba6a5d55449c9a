//! What the mapping is given: one accepted event.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};

use crate::store::InboxEvent;

/// An accepted event as the rules see it. The body stays raw until mapping, so a replay maps
/// exactly the bytes the signature covered.
#[derive(Clone)]
pub struct MappingInput {
    /// The configured source name; picks the rule set.
    pub source: String,
    /// The body's media type; only JSON bodies can be mapped for now.
    pub content_type: String,
    pub body: Vec<u8>,
    /// Request headers, available to templates as `headers` under lower-cased names.
    pub headers: BTreeMap<String, String>,
    /// When the source says the event happened, as the ingress read it.
    pub source_time: Option<DateTime<Utc>>,
    pub received_at: DateTime<Utc>,
    /// The inbox's id for the event, carried into each command's origin.
    pub event_id: Option<String>,
    /// The inbox's dedupe key; fan-out items without an `item_id` are keyed by it and their index.
    pub dedupe_key: String,
    /// W3C trace context, carried into each command's origin.
    pub traceparent: Option<String>,
}

impl MappingInput {
    /// The input for an event from the inbox. The inbox keeps no request headers (yet), so
    /// `headers` is empty here: rules for the service should read the body.
    pub fn from_inbox(event: &InboxEvent) -> MappingInput {
        MappingInput {
            source: event.source.clone(),
            content_type: event.content_type.clone(),
            body: event.body.clone(),
            headers: BTreeMap::new(),
            source_time: event.source_time,
            received_at: event.received_at,
            event_id: Some(event.event_id.as_str().to_owned()),
            dedupe_key: event.dedupe_key.clone(),
            traceparent: event.traceparent.clone(),
        }
    }
}

// Bodies and headers carry personal data and secrets: Debug shows sizes and names only.
impl fmt::Debug for MappingInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MappingInput")
            .field("source", &self.source)
            .field("content_type", &self.content_type)
            .field("body_len", &self.body.len())
            .field("header_names", &self.headers.keys().collect::<Vec<_>>())
            .field("source_time", &self.source_time)
            .field("received_at", &self.received_at)
            .field("event_id", &self.event_id)
            .field("dedupe_key", &self.dedupe_key)
            .finish()
    }
}
