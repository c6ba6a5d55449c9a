//! The inbox's vocabulary: what a caller hands in, what it gets back, and what the inbox keeps.
//!
//! An event enters as a [`NewEvent`], is answered with a [`Receipt`] once it is durable, and
//! lives on as an [`InboxEvent`] whose [`InboxStatus`] the later stages move along.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use super::event_id::{EventId, EventIdError};
use super::timestamp;

/// Where the dedupe key of an event came from; kept so an operator can tell whether two
/// deliveries were judged equal by the sender's id or only by their content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyOrigin {
    /// A delivery-id header the source sends (e.g. `X-Request-Id`).
    Header,
    /// A field of the body that the source guarantees unique.
    Body,
    /// No id given: a hash of the body, so only byte-identical resends count as duplicates.
    ContentHash,
}

/// Where an accepted event stands. Stored as its snake_case name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InboxStatus {
    /// Durable and acknowledged, waiting for the mapping stage.
    Accepted,
    /// The mapping turned it into commands; the inbox's part is done.
    Mapped,
    /// A rule said to ignore it; kept with that reason.
    Ignored,
    /// No rule matched, or a field the rule needs was missing; kept with the reason so it can be
    /// replayed once the rules or the sender are fixed.
    Unmapped,
}

/// A stored name that is not one of the names this version knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} {name:?}")]
pub struct UnknownName {
    kind: &'static str,
    name: String,
}

impl UnknownName {
    /// A stored `name` that is no known `kind` (e.g. "command state").
    pub(crate) fn new(kind: &'static str, name: &str) -> Self {
        UnknownName {
            kind,
            name: name.to_owned(),
        }
    }
}

impl KeyOrigin {
    /// The name stored in the database and shown in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyOrigin::Header => "header",
            KeyOrigin::Body => "body",
            KeyOrigin::ContentHash => "content_hash",
        }
    }
}

impl FromStr for KeyOrigin {
    type Err = UnknownName;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        [KeyOrigin::Header, KeyOrigin::Body, KeyOrigin::ContentHash]
            .into_iter()
            .find(|origin| origin.as_str() == name)
            .ok_or_else(|| UnknownName {
                kind: "key origin",
                name: name.to_owned(),
            })
    }
}

impl InboxStatus {
    /// Every status, in a fixed order, so metrics can report zeros too.
    pub const ALL: [InboxStatus; 4] = [
        InboxStatus::Accepted,
        InboxStatus::Mapped,
        InboxStatus::Ignored,
        InboxStatus::Unmapped,
    ];

    /// The name stored in the database and shown in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            InboxStatus::Accepted => "accepted",
            InboxStatus::Mapped => "mapped",
            InboxStatus::Ignored => "ignored",
            InboxStatus::Unmapped => "unmapped",
        }
    }

    /// Whether an operator may put an event with this status back to `accepted`. Mapped events
    /// are not: their commands exist, and re-running those is the command queue's business.
    pub fn is_replayable(self) -> bool {
        matches!(self, InboxStatus::Ignored | InboxStatus::Unmapped)
    }
}

impl FromStr for InboxStatus {
    type Err = UnknownName;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        InboxStatus::ALL
            .into_iter()
            .find(|status| status.as_str() == name)
            .ok_or_else(|| UnknownName {
                kind: "inbox status",
                name: name.to_owned(),
            })
    }
}

impl fmt::Display for InboxStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for KeyOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A verified event, as the ingress hands it to the inbox. Times are kept to the millisecond.
#[derive(Clone)]
pub struct NewEvent {
    /// The configured source name (`bamboohr`, `partner-portal`, a Kafka topic).
    pub source: String,
    /// Unique per source: a resend carries the same key and is answered with the first receipt.
    pub dedupe_key: String,
    pub key_origin: KeyOrigin,
    /// When Gatehouse received the request.
    pub received_at: DateTime<Utc>,
    /// When the source says the event happened, if it says; orders commands per subject.
    pub source_time: Option<DateTime<Utc>>,
    pub content_type: String,
    /// The body exactly as received, so a replay maps the same bytes the signature covered.
    pub body: Vec<u8>,
    /// W3C trace context of the request, so mapping and execution join the sender's trace.
    pub traceparent: Option<String>,
}

impl NewEvent {
    /// Why the event cannot be stored faithfully, if it cannot: checked before it is queued, so
    /// one bad event never fails the batch of others it would have joined.
    pub(crate) fn unstorable(&self) -> Option<&'static str> {
        if self.source.is_empty() {
            Some("the source is empty")
        } else if self.dedupe_key.is_empty() {
            Some("the dedupe key is empty")
        } else if !timestamp::is_storable(self.received_at) {
            Some("the receive time is outside the years 0 to 9999")
        } else if self
            .source_time
            .is_some_and(|time| !timestamp::is_storable(time))
        {
            Some("the source time is outside the years 0 to 9999")
        } else {
            None
        }
    }
}

/// The answer to `accept`: the event is durable. A duplicate gets the first delivery's receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Receipt {
    pub event_id: EventId,
    /// The event's status now; for a duplicate it may have moved past `accepted`.
    pub status: InboxStatus,
    /// When the first delivery was received (millisecond precision, as stored).
    pub received_at: DateTime<Utc>,
    /// True when this delivery was a resend and nothing new was written.
    pub duplicate: bool,
}

/// An event as the inbox keeps it.
#[derive(Clone, PartialEq, Eq)]
pub struct InboxEvent {
    pub event_id: EventId,
    pub source: String,
    pub dedupe_key: String,
    pub key_origin: KeyOrigin,
    pub received_at: DateTime<Utc>,
    pub source_time: Option<DateTime<Utc>>,
    pub content_type: String,
    pub body: Vec<u8>,
    pub traceparent: Option<String>,
    pub status: InboxStatus,
    /// Why the event was ignored or could not be mapped; cleared when it is requeued.
    pub reason: Option<String>,
    /// How many times a later stage recorded a result for it (once per mapping attempt).
    pub attempts: u32,
    /// How many times an operator put it back to `accepted`.
    pub replays: u32,
    pub replayed_at: Option<DateTime<Utc>>,
    /// When the row last changed.
    pub updated_at: DateTime<Utc>,
    /// SHA-256 of the body as received, lowercase hex ([`body_digest`]); kept when the body is
    /// dropped. `None` only for events stored before Gatehouse kept digests, until retention
    /// drops their body.
    pub body_sha256: Option<String>,
    /// When retention dropped the body (`[retention] inbox_bodies_days`); `body` is then empty
    /// and the event can no longer be replayed.
    pub body_dropped_at: Option<DateTime<Utc>>,
}

/// The SHA-256 of an event's body, lowercase hex: what the inbox keeps of a body once it is
/// dropped.
pub fn body_digest(body: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    hex::encode(Sha256::digest(body))
}

// Bodies carry personal data: Debug shows their size, never their bytes.
impl fmt::Debug for NewEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewEvent")
            .field("source", &self.source)
            .field("dedupe_key", &self.dedupe_key)
            .field("key_origin", &self.key_origin)
            .field("received_at", &self.received_at)
            .field("source_time", &self.source_time)
            .field("content_type", &self.content_type)
            .field("body_len", &self.body.len())
            .field("traceparent", &self.traceparent)
            .finish()
    }
}

impl fmt::Debug for InboxEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InboxEvent")
            .field("event_id", &self.event_id)
            .field("source", &self.source)
            .field("dedupe_key", &self.dedupe_key)
            .field("key_origin", &self.key_origin)
            .field("received_at", &self.received_at)
            .field("source_time", &self.source_time)
            .field("content_type", &self.content_type)
            .field("body_len", &self.body.len())
            .field("traceparent", &self.traceparent)
            .field("status", &self.status)
            .field("reason", &self.reason)
            .field("attempts", &self.attempts)
            .field("replays", &self.replays)
            .field("replayed_at", &self.replayed_at)
            .field("updated_at", &self.updated_at)
            .field("body_sha256", &self.body_sha256)
            .field("body_dropped_at", &self.body_dropped_at)
            .finish()
    }
}

/// Which events to list: one page, oldest first, after the last id of the previous page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InboxFilter {
    pub status: Option<InboxStatus>,
    pub source: Option<String>,
    /// Page size; at most [`InboxFilter::MAX_LIMIT`], larger values are capped (0 gives an
    /// empty page).
    pub limit: u32,
    /// Keyset cursor: only events with a larger id. Requeued events keep their old id, so a
    /// stage that works through `accepted` events starts each pass from the beginning.
    pub after: Option<EventId>,
}

impl InboxFilter {
    /// Bodies come along with every row; this keeps a page within a few megabytes.
    pub const MAX_LIMIT: u32 = 1000;

    /// The limit actually used.
    pub fn capped_limit(&self) -> u32 {
        self.limit.min(Self::MAX_LIMIT)
    }
}

impl Default for InboxFilter {
    fn default() -> Self {
        InboxFilter {
            status: None,
            source: None,
            limit: 100,
            after: None,
        }
    }
}

#[cfg(test)]
mod tests;
