//! The org's records: per object type in creation order, with an index by id.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use crate::ids;
use crate::record::Record;

/// All records of the org. Object names are the schema's spelling (`Contact`); ids are the
/// 18-character form.
#[derive(Debug, Clone, Default)]
pub struct RecordStore {
    /// Ids per object type, oldest first: the order queries without `ORDER BY` return.
    order: BTreeMap<String, Vec<String>>,
    records: HashMap<String, Record>,
}

impl RecordStore {
    /// Adds a record; its id must be new.
    pub fn insert(&mut self, record: Record) {
        self.order
            .entry(record.object.clone())
            .or_default()
            .push(record.id.clone());
        self.records.insert(record.id.clone(), record);
    }

    /// One record by its 15- or 18-character id.
    pub fn get(&self, id: &str) -> Option<&Record> {
        let id18 = ids::to18(id)?;
        self.records.get(&id18)
    }

    /// One record by id, for changing it in place.
    pub fn get_mut(&mut self, id: &str) -> Option<&mut Record> {
        let id18 = ids::to18(id)?;
        self.records.get_mut(&id18)
    }

    /// Removes a record, returning it.
    pub fn remove(&mut self, id: &str) -> Option<Record> {
        let id18 = ids::to18(id)?;
        let record = self.records.remove(&id18)?;
        if let Some(order) = self.order.get_mut(&record.object) {
            order.retain(|i| i != &id18);
        }
        Some(record)
    }

    /// Every record of one object type (schema spelling), oldest first.
    pub fn of_type<'a>(&'a self, object: &str) -> impl Iterator<Item = &'a Record> + 'a {
        self.order
            .get(object)
            .into_iter()
            .flatten()
            .filter_map(|id| self.records.get(id))
    }

    /// The object types that have records, with their records, for dumps.
    pub fn by_type(&self) -> impl Iterator<Item = (&str, Vec<&Record>)> {
        self.order.iter().map(|(object, ids)| {
            (
                object.as_str(),
                ids.iter().filter_map(|id| self.records.get(id)).collect(),
            )
        })
    }

    /// Records of one type whose field equals `value` (strings compared case-insensitively,
    /// as Salesforce compares ids, usernames and external ids).
    pub fn find<'a>(
        &'a self,
        object: &str,
        field: &'a str,
        value: &'a Value,
    ) -> impl Iterator<Item = &'a Record> + 'a {
        self.of_type(object)
            .filter(move |r| r.get(field).is_some_and(|v| same_value(v, value)))
    }
}

/// Field equality the way Salesforce matches keys: text ignores case, the rest must be equal.
pub fn same_value(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(x), Value::String(y)) => x.eq_ignore_ascii_case(y),
        _ => a == b,
    }
}

impl Record {
    /// A text field's value; `None` when unset or not text.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.get(name).and_then(Value::as_str)
    }

    /// A checkbox's value; unset reads as false, as Salesforce reports it.
    pub fn flag(&self, name: &str) -> bool {
        self.get(name).and_then(Value::as_bool).unwrap_or(false)
    }
}
