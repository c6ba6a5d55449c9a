//! An inbox row as SQLite hands it back, and its checked conversion into an [`InboxEvent`].
//!
//! Columns are read as their stored primitives and parsed here, so a damaged value becomes a
//! [`StoreError::Unreadable`] naming the event rather than a decode error without context.

use std::error::Error;

use chrono::{DateTime, Utc};

use crate::store::error::StoreError;
use crate::store::inbox::{EventId, InboxEvent, InboxStatus, KeyOrigin};
use crate::store::timestamp;

/// Every column of `inbox_events`, in the order [`InboxRow`] reads them.
pub(super) const INBOX_COLUMNS: &str = "event_id, source, dedupe_key, key_origin, received_at, \
     source_time, content_type, body, traceparent, status, reason, attempts, replays, \
     replayed_at, updated_at, body_sha256, body_dropped_at";

#[derive(sqlx::FromRow)]
pub(super) struct InboxRow {
    event_id: String,
    source: String,
    dedupe_key: String,
    key_origin: String,
    received_at: String,
    source_time: Option<String>,
    content_type: String,
    body: Vec<u8>,
    traceparent: Option<String>,
    status: String,
    reason: Option<String>,
    attempts: i64,
    replays: i64,
    replayed_at: Option<String>,
    updated_at: String,
    body_sha256: Option<String>,
    body_dropped_at: Option<String>,
}

/// Why a stored value did not parse.
pub(super) type Cause = Box<dyn Error + Send + Sync>;

impl InboxRow {
    pub(super) fn into_event(self) -> Result<InboxEvent, StoreError> {
        let what = format!("inbox event {}", self.event_id);
        self.parse()
            .map_err(|source| StoreError::Unreadable { what, source })
    }

    fn parse(self) -> Result<InboxEvent, Cause> {
        Ok(InboxEvent {
            event_id: EventId::parse(&self.event_id)?,
            source: self.source,
            dedupe_key: self.dedupe_key,
            key_origin: self.key_origin.parse::<KeyOrigin>()?,
            received_at: timestamp::from_text(&self.received_at)?,
            source_time: optional_time(self.source_time)?,
            content_type: self.content_type,
            body: self.body,
            traceparent: self.traceparent,
            status: self.status.parse::<InboxStatus>()?,
            reason: self.reason,
            attempts: u32::try_from(self.attempts)?,
            replays: u32::try_from(self.replays)?,
            replayed_at: optional_time(self.replayed_at)?,
            updated_at: timestamp::from_text(&self.updated_at)?,
            body_sha256: self.body_sha256,
            body_dropped_at: optional_time(self.body_dropped_at)?,
        })
    }
}

/// Reads a nullable time column.
pub(super) fn optional_time(
    text: Option<String>,
) -> Result<Option<DateTime<Utc>>, chrono::ParseError> {
    text.as_deref().map(timestamp::from_text).transpose()
}

/// Wraps a parse failure of a value that is not a whole event (a receipt, a status count).
pub(super) fn unreadable(what: impl Into<String>, source: impl Into<Cause>) -> StoreError {
    StoreError::Unreadable {
        what: what.into(),
        source: source.into(),
    }
}
