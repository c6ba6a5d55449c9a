//! A record as the REST API returns it, and the answers that name records.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One record: its fields as Salesforce sent them, `attributes` included.
#[derive(Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Record(Map<String, Value>);

impl Record {
    /// Wraps fields read elsewhere (a composite subresponse, a query row).
    pub fn from_fields(fields: Map<String, Value>) -> Self {
        Record(fields)
    }

    /// The record's `Id`.
    pub fn id(&self) -> Option<&str> {
        self.text("Id")
    }

    /// `attributes.type`, e.g. `Contact`.
    pub fn sobject_type(&self) -> Option<&str> {
        self.0.get("attributes")?.get("type")?.as_str()
    }

    /// A field by API name. Salesforce answers in the field's own casing whatever casing was
    /// asked for, so a name that does not match exactly is looked up ignoring ASCII case.
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.0.get(field).or_else(|| {
            self.0
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(field))
                .map(|(_, value)| value)
        })
    }

    /// A text field; `None` when absent, null or not text.
    pub fn text(&self, field: &str) -> Option<&str> {
        self.get(field)?.as_str()
    }

    /// A checkbox field; `None` when absent, null or not a boolean.
    pub fn flag(&self, field: &str) -> Option<bool> {
        self.get(field)?.as_bool()
    }

    /// A parent's field through a relationship, e.g. `("Profile", "UserLicenseId")`.
    pub fn parent(&self, relationship: &str) -> Option<Record> {
        match self.get(relationship)? {
            Value::Object(fields) => Some(Record(fields.clone())),
            _ => None,
        }
    }

    /// All fields.
    pub fn fields(&self) -> &Map<String, Value> {
        &self.0
    }

    /// All fields, owned.
    pub fn into_fields(self) -> Map<String, Value> {
        self.0
    }
}

/// Records carry names and emails: Debug shows the type, the id and which fields are present,
/// never their values.
impl fmt::Debug for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self
            .0
            .keys()
            .map(String::as_str)
            .filter(|k| *k != "attributes")
            .collect();
        f.debug_struct("Record")
            .field("type", &self.sobject_type())
            .field("id", &self.id())
            .field("fields", &names)
            .finish()
    }
}

/// A record looked up by external id.
#[derive(Debug, Clone, PartialEq)]
pub enum Lookup {
    /// No record has the value.
    Missing,
    Found(Record),
    /// Several records have it (`300 Multiple Choices`); their ids. External-id fields need
    /// not be unique, and a person may have been entered twice.
    Ambiguous(Vec<String>),
}

/// What an upsert by external id did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Upserted {
    /// `201`: no record had the value; this one was made.
    Created(String),
    /// `200`: the one record with the value was updated.
    Updated(String),
    /// `300`: several records have the value; nothing was written.
    Ambiguous(Vec<String>),
}

impl Upserted {
    /// The record's id, when exactly one was written.
    pub fn id(&self) -> Option<&str> {
        match self {
            Upserted::Created(id) | Upserted::Updated(id) => Some(id),
            Upserted::Ambiguous(_) => None,
        }
    }
}

/// Ids from a `300 Multiple Choices` body: an array of record URLs
/// (`/services/data/v68.0/sobjects/Contact/003…`), or of records with an `Id`.
pub fn ids_of_choices(body: &Value) -> Option<Vec<String>> {
    let items = body.as_array()?;
    items
        .iter()
        .map(|item| match item {
            Value::String(url) => url
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .filter(|id| !id.is_empty())
                .map(str::to_owned),
            Value::Object(fields) => Record(fields.clone()).id().map(str::to_owned),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests;
