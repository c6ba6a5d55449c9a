//! References between the subrequests of one composite: `@{referenceId.path}`.

use serde_json::Value;

use crate::salesforce::transport::segment;

/// A value taken from an earlier subrequest's result: `@{contact.id}`,
/// `@{users.records[0].Id}`. Written verbatim where a plain value would be percent-encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference(String);

impl Reference {
    /// `@{reference_id.path}`.
    pub fn new(reference_id: &str, path: &str) -> Self {
        Reference(format!("@{{{reference_id}.{path}}}"))
    }

    /// The `id` an earlier create or upsert returned.
    pub fn id_of(reference_id: &str) -> Self {
        Reference::new(reference_id, "id")
    }

    /// The text, for a field value in a later subrequest's body.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<Reference> for Value {
    fn from(reference: Reference) -> Value {
        Value::String(reference.0)
    }
}

/// A record named in a subrequest URL: a plain id (encoded) or a reference (verbatim).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordRef {
    Id(String),
    Reference(Reference),
}

impl From<&str> for RecordRef {
    fn from(id: &str) -> Self {
        RecordRef::Id(id.to_owned())
    }
}

impl From<String> for RecordRef {
    fn from(id: String) -> Self {
        RecordRef::Id(id)
    }
}

impl From<Reference> for RecordRef {
    fn from(reference: Reference) -> Self {
        RecordRef::Reference(reference)
    }
}

impl RecordRef {
    /// The id, or the reference's text: for a field value in a body or a value in a query.
    pub fn as_str(&self) -> &str {
        match self {
            RecordRef::Id(id) => id,
            RecordRef::Reference(r) => r.as_str(),
        }
    }

    /// The piece of a subrequest URL that names the record.
    pub(crate) fn in_path(&self) -> String {
        match self {
            RecordRef::Id(id) => segment(id),
            RecordRef::Reference(r) => r.0.clone(),
        }
    }
}
