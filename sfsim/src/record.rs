//! A stored record: its type, its 18-character id and its field values.

use serde_json::{Map, Value};

/// One record of the org. Field names are stored with the schema's spelling; values are JSON
/// (`Date` as `YYYY-MM-DD`, `Datetime` as `YYYY-MM-DDTHH:MM:SS.sss+0000`, as the REST API prints them).
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The object type's API name (`Contact`).
    pub object: String,
    /// The 18-character id; also present as the `Id` field.
    pub id: String,
    pub fields: Map<String, Value>,
}

impl Record {
    /// The value of a field by name, matched case-insensitively; `None` when absent.
    pub fn get(&self, name: &str) -> Option<&Value> {
        self.fields.get(name).or_else(|| {
            self.fields
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| v)
        })
    }
}
