//! The subject: the one external person an event is about.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A stable key for one external person, derived by the mapping from the source's own ids
/// (e.g. `partner-portal:u-1`), never from an email: emails change and are personal data.
/// It is written to the Contact's external-id field, so Salesforce itself can be asked whether
/// it knows this person.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct SubjectKey(String);

/// Why a text cannot be a subject key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubjectKeyError {
    #[error("a subject key cannot be empty")]
    Empty,
    #[error(
        "a subject key is at most {max} characters (Salesforce external-id field length); this one has {len}"
    )]
    TooLong { len: usize, max: usize },
    #[error(
        "a subject key must not look like an email address; derive it from the source's id for the person"
    )]
    LooksLikeEmail,
    #[error("a subject key may hold letters, digits and - _ . : only; found {found:?}")]
    BadCharacter { found: char },
}

impl SubjectKey {
    /// Longest key: Salesforce text external-id fields hold 255 characters.
    pub const MAX_LEN: usize = 255;

    /// Checks and wraps a key.
    pub fn parse(text: &str) -> Result<SubjectKey, SubjectKeyError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(SubjectKeyError::Empty);
        }
        let len = text.chars().count();
        if len > Self::MAX_LEN {
            return Err(SubjectKeyError::TooLong {
                len,
                max: Self::MAX_LEN,
            });
        }
        if text.contains('@') {
            return Err(SubjectKeyError::LooksLikeEmail);
        }
        if let Some(found) = text
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':')))
        {
            return Err(SubjectKeyError::BadCharacter { found });
        }
        Ok(SubjectKey(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for SubjectKey {
    type Error = SubjectKeyError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        SubjectKey::parse(&value)
    }
}

impl From<SubjectKey> for String {
    fn from(key: SubjectKey) -> String {
        key.0
    }
}

impl fmt::Display for SubjectKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests;
