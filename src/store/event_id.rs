//! Gatehouse's own id for an accepted event.
//!
//! Senders' ids are only unique per source and come in any shape, so the inbox gives every event
//! its own: `evt_` followed by a UUIDv7 in its lowercase hyphenated form. A UUIDv7 starts with
//! the time it was made, and ids made in one process are ordered, so comparing the strings sorts
//! events by when they were accepted: that is what keyset pagination over the inbox relies on.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

const PREFIX: &str = "evt_";

/// The id the inbox gives an accepted event; valid by construction.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EventId(String);

/// A string that is not an event id; the text is not echoed, as it came from outside.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an event id: expected \"evt_\" followed by a lowercase hyphenated UUIDv7")]
pub struct EventIdError;

impl EventId {
    /// A fresh id, later than every id this process made before.
    pub fn generate() -> Self {
        EventId(format!("{PREFIX}{}", Uuid::now_v7().hyphenated()))
    }

    /// Reads an id from outside (a URL path, a query string). Only the exact form `generate`
    /// writes is accepted, so that two spellings of one UUID can never name two different rows.
    pub fn parse(text: &str) -> Result<Self, EventIdError> {
        let uuid_text = text.strip_prefix(PREFIX).ok_or(EventIdError)?;
        let uuid = Uuid::try_parse(uuid_text).map_err(|_| EventIdError)?;
        let canonical = uuid.hyphenated().to_string();
        if uuid.get_version_num() != 7 || canonical != uuid_text {
            return Err(EventIdError);
        }
        Ok(EventId(text.to_owned()))
    }

    /// The id as stored and as shown to senders.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for EventId {
    type Err = EventIdError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        EventId::parse(text)
    }
}

impl TryFrom<String> for EventId {
    type Error = EventIdError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        EventId::parse(&text)
    }
}

impl From<EventId> for String {
    fn from(id: EventId) -> Self {
        id.0
    }
}

#[cfg(test)]
mod tests;
