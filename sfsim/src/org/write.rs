//! The four writes — create, update, delete, upsert — each one pass through field checks,
//! uniqueness, the object's rules, and what follows.

use serde_json::{Map, Value};

use super::refusals::{entity_cannot, malformed_id, refuse};
use super::rules::{self, Change, fields, fields::Mode, uniqueness};
use super::{Org, format_datetime, not_found, transaction};
use crate::error::ApiError;
use crate::ids;
use crate::schema::ObjectDef;

/// What an upsert by external id did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpsertOutcome {
    /// No record had the key: one was made (201, `created: true`).
    Created(String),
    /// One record had the key and was changed (200, `created: false`).
    Updated(String),
    /// Several records have the key; nothing was written (300 with their URLs).
    Multiple(Vec<String>),
}

impl Org {
    /// Creates a record from a request body; returns its 18-character id.
    pub fn create(&mut self, object: &str, body: &Map<String, Value>) -> Result<String, ApiError> {
        let def = self.def_for_write(object)?;
        if !def.operations.create {
            return Err(entity_cannot("inserted", &def.label));
        }
        transaction::note_write(self, &def.name)?;
        self.index_keys(&def);
        let mut change = fields::validate(self, &def, body, Mode::Create)?;
        uniqueness::check(self, &def, &change, None)?;
        rules::before_create(self, &def.name, &mut change)?;
        if let Some(name) = full_name(&def, &change) {
            change.insert("Name".into(), name);
        }
        let id = self.ids.next(&def.key_prefix);
        let record = self.complete_record(&def, &id, change);
        self.store.insert(record);
        rules::after_create(self, &def.name, &id);
        Ok(id)
    }

    /// Changes record `id` of type `object`. An `Id` in the body must name the same record.
    pub fn update(
        &mut self,
        object: &str,
        id: &str,
        body: &Map<String, Value>,
    ) -> Result<(), ApiError> {
        let def = self.def_for_write(object)?;
        if !def.operations.update {
            return Err(entity_cannot("updated", &def.label));
        }
        let id = self.existing_id(&def, id)?;
        let mut body = body.clone();
        if let Some(key) = body.keys().find(|k| k.eq_ignore_ascii_case("Id")).cloned() {
            let same = body
                .remove(&key)
                .and_then(|v| v.as_str().and_then(ids::to18))
                .is_some_and(|given| given == id);
            if !same {
                return Err(refuse(
                    "INVALID_ID_FIELD",
                    "The Id in the request body does not match the record being updated",
                    &["Id"],
                ));
            }
        }
        transaction::note_write(self, &def.name)?;
        self.index_keys(&def);
        let mut change = fields::validate(self, &def, &body, Mode::Update)?;
        self.validate_update(&id)?;
        uniqueness::check(self, &def, &change, Some(&id))?;
        rules::before_update(self, &def.name, &id, &mut change)?;
        self.apply(&def, &id, change);
        rules::after_update(self, &def.name, &id);
        Ok(())
    }

    /// Deletes record `id` of type `object`; deleting an Account deletes its Contacts.
    pub fn delete(&mut self, object: &str, id: &str) -> Result<(), ApiError> {
        let def = self.def_for_write(object)?;
        if !def.operations.delete {
            return Err(entity_cannot("deleted", &def.label));
        }
        let id = self.existing_id(&def, id)?;
        transaction::note_write(self, &def.name)?;
        rules::before_delete(self, &def.name, &id)?;
        self.store.remove(&id);
        if def.name == "Account" {
            let contacts: Vec<String> = self
                .store
                .find("Contact", "AccountId", &Value::String(id.clone()))
                .map(|c| c.id.clone())
                .collect();
            for contact in contacts {
                self.store.remove(&contact);
            }
        }
        Ok(())
    }

    /// Creates or updates the record whose external id `field` is `value`. With
    /// `update_only`, a missing record is `NOT_FOUND` instead of being created.
    pub fn upsert(
        &mut self,
        object: &str,
        field: &str,
        value: &str,
        body: &Map<String, Value>,
        update_only: bool,
    ) -> Result<UpsertOutcome, ApiError> {
        if let Some(def) = self.schema.object(object).cloned() {
            self.index_keys(&def);
        }
        let matches = self.find_by_external_id(object, field, value)?;
        let field_name = self
            .schema
            .object(object)
            .and_then(|o| o.field(field))
            .map(|f| f.name.clone())
            .unwrap_or_else(|| field.to_owned());
        match matches.as_slice() {
            [] if update_only || field_name == "Id" => Err(not_found()),
            [] => {
                // The key in the path wins over any spelling of it in the body.
                let mut body = body.clone();
                body.retain(|k, _| !k.eq_ignore_ascii_case(&field_name));
                body.insert(field_name, Value::String(value.to_owned()));
                self.create(object, &body).map(UpsertOutcome::Created)
            }
            [one] => {
                let id = one.clone();
                self.update(object, &id, body)
                    .map(|()| UpsertOutcome::Updated(id))
            }
            many => Ok(UpsertOutcome::Multiple(many.to_vec())),
        }
    }

    /// Indexes the object's unique and external id fields, which writes and upserts look
    /// records up by (built once, then kept current by the store).
    fn index_keys(&mut self, def: &ObjectDef) {
        for field in def.fields.iter().filter(|f| f.unique || f.external_id) {
            self.store.ensure_index(&def.name, &field.name);
        }
    }

    /// The object definition for a write, or `INVALID_TYPE`.
    fn def_for_write(&self, object: &str) -> Result<ObjectDef, ApiError> {
        self.schema.object(object).cloned().ok_or_else(|| {
            refuse(
                "INVALID_TYPE",
                format!("sObject type '{object}' is not supported."),
                &[],
            )
        })
    }

    /// The 18-character id of an existing record of this type: `MALFORMED_ID` when `id` is
    /// not an id of the type, `NOT_FOUND` when no such record exists.
    pub(crate) fn existing_id(&self, def: &ObjectDef, id: &str) -> Result<String, ApiError> {
        let id18 = ids::to18(id)
            .filter(|i| ids::key_prefix(i) == Some(def.key_prefix.as_str()))
            .ok_or_else(|| malformed_id(&format!("{} ID", def.label), id, "Id"))?;
        match self.store.get(&id18) {
            Some(_) => Ok(id18),
            None => Err(not_found()),
        }
    }

    /// Merges a checked change into a record and stamps the modification time.
    fn apply(&mut self, def: &ObjectDef, id: &str, change: Change) {
        let now = Value::String(format_datetime(self.now()));
        let Some(mut record) = self.store.get_mut(id) else {
            return;
        };
        for (name, value) in change {
            record.fields.insert(name, value);
        }
        for stamp in ["LastModifiedDate", "SystemModstamp"] {
            if def.field(stamp).is_some() {
                record.fields.insert(stamp.to_owned(), now.clone());
            }
        }
        if let Some(name) = full_name(def, &record.fields) {
            record.fields.insert("Name".into(), name);
        }
    }
}

/// `Name` of Contacts and Users: first and last name, as Salesforce composes it; `None` for
/// objects whose `Name` is their own.
fn full_name(def: &ObjectDef, values: &Map<String, Value>) -> Option<Value> {
    let composed = def.field("Name").is_some_and(|f| !f.createable)
        && def.field("FirstName").is_some()
        && def.field("LastName").is_some();
    if !composed {
        return None;
    }
    let part = |name: &str| values.get(name).and_then(Value::as_str).unwrap_or("");
    let full = format!("{} {}", part("FirstName"), part("LastName"));
    Some(Value::String(full.trim().to_owned()))
}
