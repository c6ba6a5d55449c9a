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
mod tests {
    use super::*;

    #[test]
    fn generated_ids_sort_in_the_order_they_were_made() {
        let ids: Vec<EventId> = (0..1000).map(|_| EventId::generate()).collect();
        let mut sorted = ids.clone();
        sorted.sort();
        assert_eq!(ids, sorted);
    }

    #[test]
    fn a_generated_id_parses_back_to_itself() {
        let id = EventId::generate();
        assert_eq!(EventId::parse(id.as_str()), Ok(id));
    }

    #[test]
    fn other_spellings_and_shapes_are_refused() {
        let id = EventId::generate();
        let upper = format!("evt_{}", id.as_str()[4..].to_uppercase());
        let simple = format!("evt_{}", id.as_str()[4..].replace('-', ""));
        let v4 = format!("evt_{}", Uuid::new_v4().hyphenated());
        for text in [
            "",
            "evt_",
            id.as_str().trim_start_matches("evt_"),
            &upper,
            &simple,
            &v4,
            "evt_../../etc",
        ] {
            assert_eq!(EventId::parse(text), Err(EventIdError), "{text:?}");
        }
    }

    #[test]
    fn serialises_as_a_plain_string() {
        let id = EventId::generate();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{id}\""));
        let back: EventId = serde_json::from_str(&json).unwrap();
        assert_eq!(back, id);
        assert!(serde_json::from_str::<EventId>("\"evt_nope\"").is_err());
    }
}
