//! Reading records the way the REST API prints them, and finding them by path segment or
//! external id.

use actix_web::http::StatusCode;
use serde_json::{Map, Value, json};

use super::refusals::{malformed_id, no_such_external_field, refuse};
use super::{Org, not_found};
use crate::error::ApiError;
use crate::ids;
use crate::record::Record;
use crate::schema::{FieldDef, ObjectDef};

/// `/services/data/vXX.X/sobjects/{Type}/{id}`: a record's URL in its `attributes`.
pub fn record_url(version: &str, object: &str, id: &str) -> String {
    format!("/services/data/v{version}/sobjects/{object}/{id}")
}

impl Org {
    /// The record a path segment after `/sobjects/{Type}/` names. Salesforce reads a segment
    /// that is not an id as an external id field name, hence its 404 wording; an id of another
    /// type is `MALFORMED_ID`.
    pub fn resolve_path_id(&self, object: &str, segment: &str) -> Result<String, ApiError> {
        let def = self.schema.object(object).ok_or_else(not_found)?;
        let Some(id18) = ids::to18(segment) else {
            return Err(no_such_external_field(segment));
        };
        if ids::key_prefix(&id18) != Some(def.key_prefix.as_str()) {
            return Err(malformed_id(&format!("{} ID", def.label), segment, "Id"));
        }
        match self.store.get(&id18) {
            Some(_) => Ok(id18),
            None => Err(not_found()),
        }
    }

    /// The permission set assignments of one user, oldest first (looked up, not scanned:
    /// every call's permission check reads them).
    pub fn assignments_of(&self, user_id: &str) -> Vec<&Record> {
        self.store
            .find(
                "PermissionSetAssignment",
                "AssigneeId",
                &Value::String(user_id.to_owned()),
            )
            .filter(|a| a.get("AssigneeId").and_then(Value::as_str) == Some(user_id))
            .collect()
    }

    /// Ids of the records whose external id `field` equals `value` (case-insensitive).
    /// `Id` may be used as the field. Unknown field: 404; a field that is not an external id:
    /// `INVALID_FIELD`.
    pub fn find_by_external_id(
        &self,
        object: &str,
        field: &str,
        value: &str,
    ) -> Result<Vec<String>, ApiError> {
        let def = self.schema.object(object).ok_or_else(not_found)?;
        let field_def = def
            .field(field)
            .ok_or_else(|| no_such_external_field(field))?;
        if field_def.name == "Id" {
            let found = ids::to18(value)
                .filter(|id| ids::key_prefix(id) == Some(def.key_prefix.as_str()))
                .filter(|id| self.store.get(id).is_some());
            return Ok(found.into_iter().collect());
        }
        if !field_def.external_id {
            return Err(refuse(
                "INVALID_FIELD",
                format!(
                    "Field name provided, {} is not an External ID or indexed field for {}",
                    field_def.name, def.name
                ),
                &[],
            ));
        }
        let key = Value::String(value.to_owned());
        Ok(self
            .store
            .find(&def.name, &field_def.name, &key)
            .map(|r| r.id.clone())
            .collect())
    }

    /// A record as `GET …/sobjects/{Type}/{id}` prints it, optionally only some fields
    /// (`?fields=A,B`; an unknown one is `INVALID_FIELD`).
    pub fn retrieve(
        &self,
        object: &str,
        id: &str,
        fields: Option<&[String]>,
        version: &str,
    ) -> Result<Value, ApiError> {
        let def = self.schema.object(object).ok_or_else(not_found)?;
        let record = self.store.get(id).ok_or_else(not_found)?;
        let selected = fields.map(|names| select_fields(def, names)).transpose()?;
        Ok(record_json(record, selected.as_deref(), version))
    }

    /// Several records of one type as sObject Collections' retrieve prints them: one entry per
    /// id, in order, with only `fields`; `null` for an id that is malformed, of another type
    /// or of no record (Salesforce answers so rather than failing the call). An unknown field
    /// fails the whole call with `INVALID_FIELD`.
    pub fn retrieve_many(
        &self,
        object: &str,
        ids: &[String],
        fields: &[String],
        version: &str,
    ) -> Result<Vec<Value>, ApiError> {
        let def = self.schema.object(object).ok_or_else(not_found)?;
        let selected = select_fields(def, fields)?;
        Ok(ids
            .iter()
            .map(|id| {
                ids::to18(id.trim())
                    .filter(|id| ids::key_prefix(id) == Some(def.key_prefix.as_str()))
                    .and_then(|id| self.store.get(&id))
                    .map_or(Value::Null, |r| record_json(r, Some(&selected), version))
            })
            .collect())
    }
}

/// The fields named in a `fields` list, in the schema's spelling; blank names are skipped and
/// an unknown one is `INVALID_FIELD`, worded as Salesforce words it.
fn select_fields<'d>(def: &'d ObjectDef, names: &[String]) -> Result<Vec<&'d FieldDef>, ApiError> {
    names
        .iter()
        .map(|n| n.trim())
        .filter(|n| !n.is_empty())
        .map(|n| {
            def.field(n).ok_or_else(|| {
                ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "INVALID_FIELD",
                    format!(
                        "No such column '{n}' on entity '{}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.",
                        def.name
                    ),
                )
            })
        })
        .collect()
}

/// A record with its `attributes`, all fields or the selected ones.
pub fn record_json(record: &Record, fields: Option<&[&FieldDef]>, version: &str) -> Value {
    let mut out = Map::new();
    out.insert(
        "attributes".into(),
        json!({"type": record.object, "url": record_url(version, &record.object, &record.id)}),
    );
    match fields {
        None => {
            for (name, value) in &record.fields {
                out.insert(name.clone(), value.clone());
            }
        }
        Some(selected) => {
            for field in selected {
                let value = record.get(&field.name).cloned().unwrap_or(Value::Null);
                out.insert(field.name.clone(), value);
            }
        }
    }
    Value::Object(out)
}
