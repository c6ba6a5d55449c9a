//! The org's records: per object type in creation order, with an index by id and indexes by
//! the fields the org's rules look records up by (see `index`).

use std::collections::{BTreeMap, HashMap};
use std::ops::{Deref, DerefMut};

use serde_json::Value;

use crate::ids;
use crate::record::Record;

mod index;

use index::Indexes;
pub use index::same_value;

/// All records of the org. Object names are the schema's spelling (`Contact`); ids are the
/// 18-character form.
#[derive(Debug, Clone, Default)]
pub struct RecordStore {
    /// Ids per object type, oldest first: the order queries without `ORDER BY` return.
    order: BTreeMap<String, Vec<String>>,
    records: HashMap<String, Record>,
    /// Creation sequence of each record, so that indexed look-ups answer oldest first too.
    sequence: HashMap<String, u64>,
    next_sequence: u64,
    indexes: Indexes,
}

/// A record borrowed for changing in place: its indexed fields are indexed again when the
/// borrow ends, so no caller can leave an index behind the record.
pub struct RecordMut<'a> {
    record: &'a mut Record,
    indexes: &'a mut Indexes,
    before: Vec<(String, Option<String>)>,
}

impl Deref for RecordMut<'_> {
    type Target = Record;
    fn deref(&self) -> &Record {
        self.record
    }
}

impl DerefMut for RecordMut<'_> {
    fn deref_mut(&mut self) -> &mut Record {
        self.record
    }
}

impl Drop for RecordMut<'_> {
    fn drop(&mut self) {
        self.indexes
            .reindex(self.record, std::mem::take(&mut self.before));
    }
}

impl RecordStore {
    /// Adds a record; its id must be new.
    pub fn insert(&mut self, record: Record) {
        self.order
            .entry(record.object.clone())
            .or_default()
            .push(record.id.clone());
        self.sequence.insert(record.id.clone(), self.next_sequence);
        self.next_sequence += 1;
        self.indexes.add(&record);
        self.records.insert(record.id.clone(), record);
    }

    /// One record by its 15- or 18-character id.
    pub fn get(&self, id: &str) -> Option<&Record> {
        let id18 = ids::to18(id)?;
        self.records.get(&id18)
    }

    /// One record by id, for changing it in place (indexes follow when the borrow ends).
    pub fn get_mut(&mut self, id: &str) -> Option<RecordMut<'_>> {
        let id18 = ids::to18(id)?;
        let record = self.records.get_mut(&id18)?;
        let before = self.indexes.keys_of(record);
        Some(RecordMut {
            record,
            indexes: &mut self.indexes,
            before,
        })
    }

    /// Removes a record, returning it.
    pub fn remove(&mut self, id: &str) -> Option<Record> {
        let id18 = ids::to18(id)?;
        let record = self.records.remove(&id18)?;
        if let Some(order) = self.order.get_mut(&record.object) {
            order.retain(|i| i != &id18);
        }
        self.sequence.remove(&id18);
        self.indexes.drop_record(&record);
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

    /// Indexes `field` of `object` (schema spellings) from now on, if it is not yet.
    pub fn ensure_index(&mut self, object: &str, field: &str) {
        if self.indexes.has(object, field) {
            return;
        }
        let records = self.of_type(object).cloned().collect::<Vec<_>>();
        self.indexes.build(object, field, records.iter());
    }

    /// Records of one type whose field equals `value` (strings compared case-insensitively,
    /// as Salesforce compares ids, usernames and external ids), oldest first. An indexed field
    /// is looked up; any other is scanned.
    pub fn find<'a>(
        &'a self,
        object: &str,
        field: &str,
        value: &Value,
    ) -> std::vec::IntoIter<&'a Record> {
        let Some(ids) = self.indexes.lookup(object, field, value) else {
            return self
                .of_type(object)
                .filter(|r| r.get(field).is_some_and(|v| same_value(v, value)))
                .collect::<Vec<_>>()
                .into_iter();
        };
        let mut found: Vec<&Record> = ids
            .iter()
            .filter_map(|id| self.records.get(id))
            .filter(|r| r.get(field).is_some_and(|v| same_value(v, value)))
            .collect();
        if found.len() > 1 {
            found.sort_by_key(|r| self.sequence.get(&r.id).copied().unwrap_or(u64::MAX));
        }
        found.into_iter()
    }
}

impl RecordStore {
    /// Records of one type whose indexed `field` may equal one of `keys` (text or ids, each
    /// compared as the index folds them), oldest first and each once; the caller checks
    /// each. `None` when the field is not indexed.
    pub fn candidates<'a>(
        &'a self,
        object: &str,
        field: &str,
        keys: &[&str],
    ) -> Option<Vec<&'a Record>> {
        let mut ids: Vec<&String> = Vec::new();
        for k in keys {
            ids.extend(
                self.indexes
                    .lookup(object, field, &Value::String((*k).to_owned()))?,
            );
        }
        let mut found: Vec<(u64, &Record)> = ids
            .into_iter()
            .filter_map(|id| Some((*self.sequence.get(id)?, self.records.get(id)?)))
            .collect();
        found.sort_by_key(|(sequence, _)| *sequence);
        found.dedup_by_key(|(sequence, _)| *sequence);
        Some(found.into_iter().map(|(_, r)| r).collect())
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

#[cfg(test)]
mod tests;
