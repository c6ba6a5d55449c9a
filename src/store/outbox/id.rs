//! The stable id of an outbox row.
//!
//! It becomes the CloudEvents `id` of the published event, so it must never change between
//! publish attempts: consumers deduplicate on it (every outcome is published at least once).
//! `out_` followed by a UUIDv7 in lowercase hyphenated form: ids made in one process sort in the
//! order they were made, which is the order the relay publishes in.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

const PREFIX: &str = "out_";

/// The id of an outcome event in the outbox; valid by construction.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OutboxId(String);

/// A string that is not an outbox id; the text is not echoed, as it may come from outside.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an outbox id: expected \"out_\" followed by a lowercase hyphenated UUIDv7")]
pub struct OutboxIdError;

impl OutboxId {
    /// A fresh id, later than every id this process made before.
    pub fn generate() -> Self {
        OutboxId(format!("{PREFIX}{}", Uuid::now_v7().hyphenated()))
    }

    /// Reads an id in exactly the form `generate` writes, so one event never has two spellings.
    pub fn parse(text: &str) -> Result<Self, OutboxIdError> {
        let uuid_text = text.strip_prefix(PREFIX).ok_or(OutboxIdError)?;
        let uuid = Uuid::try_parse(uuid_text).map_err(|_| OutboxIdError)?;
        if uuid.get_version_num() != 7 || uuid.hyphenated().to_string() != uuid_text {
            return Err(OutboxIdError);
        }
        Ok(OutboxId(text.to_owned()))
    }

    /// The id as stored and published.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for OutboxId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for OutboxId {
    type Error = OutboxIdError;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        OutboxId::parse(&text)
    }
}

impl From<OutboxId> for String {
    fn from(id: OutboxId) -> Self {
        id.0
    }
}

#[cfg(test)]
mod tests;
