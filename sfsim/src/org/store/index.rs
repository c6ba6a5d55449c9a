//! Indexes by field value. The org's rules look users up by username, nickname and Contact,
//! logins and site memberships by user, permission set assignments by assignee, and records
//! by external id; scanning every record for each look-up makes a collection of 200 users
//! against an org of 10,000 cost millions of comparisons. Keys fold ASCII case, as
//! Salesforce matches usernames, ids and external ids.

use std::collections::HashMap;

use serde_json::Value;

use crate::record::Record;

/// Fields indexed from the start: those the org's rules look up on every user write.
const ALWAYS: &[(&str, &str)] = &[
    ("User", "Username"),
    ("User", "CommunityNickname"),
    ("User", "ContactId"),
    ("User", "AccountId"),
    ("UserLogin", "UserId"),
    ("PermissionSetAssignment", "AssigneeId"),
    ("NetworkMember", "MemberId"),
    ("Contact", "AccountId"),
];

/// Object → field → key → ids.
type FieldIndex = HashMap<String, Vec<String>>;

#[derive(Debug, Clone)]
pub struct Indexes {
    by_object: HashMap<String, HashMap<String, FieldIndex>>,
}

impl Default for Indexes {
    fn default() -> Self {
        let mut by_object: HashMap<String, HashMap<String, FieldIndex>> = HashMap::new();
        for (object, field) in ALWAYS {
            by_object
                .entry((*object).to_owned())
                .or_default()
                .insert((*field).to_owned(), FieldIndex::new());
        }
        Indexes { by_object }
    }
}

/// Field equality the way Salesforce matches keys: text ignores case, the rest must be equal.
pub fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x.eq_ignore_ascii_case(y),
        _ => a == b,
    }
}

/// The index key of a value; null is not indexed. A key may be shared by values that differ
/// (the caller checks each record found), but never differs for two values that are equal the
/// way the org's rules compare ([`same_value`]) or the way SOQL's `=` and `IN` compare a text
/// or id field: text lower-cased (Unicode), a value that is not text by its printed form
/// (SOQL reads `5` in a text field as `'5'`), and an id by its first 15 characters, which SOQL
/// compares (the 15- and 18-character forms of one id are equal).
pub fn key(value: &Value) -> Option<String> {
    let lower = match value {
        Value::Null => return None,
        Value::String(s) => s.to_lowercase(),
        other => other.to_string().to_lowercase(),
    };
    if lower.len() > 15 && lower.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Some(lower[..15].to_owned());
    }
    Some(lower)
}

impl Indexes {
    pub fn has(&self, object: &str, field: &str) -> bool {
        self.by_object
            .get(object)
            .is_some_and(|fields| fields.contains_key(field))
    }

    /// Starts indexing `field` of `object` with these records.
    pub fn build<'a>(
        &mut self,
        object: &str,
        field: &str,
        records: impl Iterator<Item = &'a Record>,
    ) {
        let mut index = FieldIndex::new();
        for record in records {
            if let Some(k) = record.get(field).and_then(key) {
                index.entry(k).or_default().push(record.id.clone());
            }
        }
        self.by_object
            .entry(object.to_owned())
            .or_default()
            .insert(field.to_owned(), index);
    }

    /// Ids whose `field` may equal `value` (the caller checks), or `None` when the field is
    /// not indexed.
    pub fn lookup(&self, object: &str, field: &str, value: &Value) -> Option<&[String]> {
        let index = self.by_object.get(object)?.get(field)?;
        Some(
            key(value)
                .and_then(|k| index.get(&k))
                .map_or(&[][..], Vec::as_slice),
        )
    }

    pub fn add(&mut self, record: &Record) {
        let Some(fields) = self.by_object.get_mut(&record.object) else {
            return;
        };
        for (field, index) in fields {
            if let Some(k) = record.get(field).and_then(key) {
                index.entry(k).or_default().push(record.id.clone());
            }
        }
    }

    pub fn drop_record(&mut self, record: &Record) {
        let Some(fields) = self.by_object.get_mut(&record.object) else {
            return;
        };
        for (field, index) in fields {
            if let Some(k) = record.get(field).and_then(key) {
                remove(index, &k, &record.id);
            }
        }
    }

    /// The keys of a record's indexed fields, taken before it changes.
    pub fn keys_of(&self, record: &Record) -> Vec<(String, Option<String>)> {
        self.by_object
            .get(&record.object)
            .map(|fields| {
                fields
                    .keys()
                    .map(|field| (field.clone(), record.get(field).and_then(key)))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Moves a changed record to the keys its indexed fields hold now.
    pub fn reindex(&mut self, record: &Record, before: Vec<(String, Option<String>)>) {
        let Some(fields) = self.by_object.get_mut(&record.object) else {
            return;
        };
        for (field, old) in before {
            let Some(index) = fields.get_mut(&field) else {
                continue;
            };
            let new = record.get(&field).and_then(key);
            if new == old {
                continue;
            }
            if let Some(old) = old {
                remove(index, &old, &record.id);
            }
            if let Some(new) = new {
                index.entry(new).or_default().push(record.id.clone());
            }
        }
    }
}

fn remove(index: &mut FieldIndex, key: &str, id: &str) {
    if let Some(ids) = index.get_mut(key) {
        ids.retain(|i| i != id);
        if ids.is_empty() {
            index.remove(key);
        }
    }
}
