//! A parent named by its external id in a write's body: `"Account": {"Gatehouse_Key__c":
//! "P-100"}` in place of `"AccountId": "001…"`.
//!
//! Salesforce relates a record to its parent through the relationship field holding a nested
//! record with only the parent's external id: the REST API takes it in create, update and
//! upsert bodies ("Insert or Update (Upsert) a Record Using an External ID", REST API
//! Developer Guide, <https://developer.salesforce.com/docs/platform/api-rest/guide/dome-upsert.html>;
//! "Relating Records by Using an External ID", Apex Developer Guide,
//! <https://developer.salesforce.com/docs/platform/apex-dev/references/apex-dev/langcon-apex-dml-nested-object.html>).
//! A key that names no parent is refused `INVALID_FIELD` "Foreign key external ID: … not
//! found for field … in entity …", one several parents carry likewise; the codes and messages
//! are the ones reported from real orgs, not ones Salesforce documents.

use serde_json::{Map, Value};

use super::super::super::Org;
use super::super::super::refusals::refuse;
use crate::error::ApiError;
use crate::schema::ObjectDef;

/// The body with every parent named by external id replaced by its id field (`Account` →
/// `AccountId`); other entries are left for the field checks.
pub(super) fn resolve(
    org: &Org,
    def: &ObjectDef,
    body: &Map<String, Value>,
) -> Result<Map<String, Value>, ApiError> {
    let mut resolved = Map::with_capacity(body.len());
    for (key, value) in body {
        let parent = match value {
            Value::Object(nested) if def.field(key).is_none() => {
                def.relationship(key).map(|field| (field, nested))
            }
            _ => None,
        };
        let Some((field, nested)) = parent else {
            resolved.insert(key.clone(), value.clone());
            continue;
        };
        let id = parent_id(org, field.reference_to.first(), nested)?;
        resolved.insert(field.name.clone(), Value::String(id));
    }
    Ok(resolved)
}

/// The one parent whose external id the nested record gives.
fn parent_id(
    org: &Org,
    object: Option<&String>,
    nested: &Map<String, Value>,
) -> Result<String, ApiError> {
    let object = object.map(String::as_str).unwrap_or_default();
    let mut keys = nested.iter().filter(|(k, _)| k.as_str() != "attributes");
    let (Some((field, value)), None) = (keys.next(), keys.next()) else {
        return Err(refuse(
            "INVALID_FIELD",
            format!("A reference to {object} must name exactly one external ID field"),
            &[],
        ));
    };
    let value = match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let found = org.find_by_external_id(object, field, &value)?;
    match found.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(refuse(
            "INVALID_FIELD",
            format!(
                "Foreign key external ID: {value} not found for field {field} in entity {object}"
            ),
            &[],
        )),
        _ => Err(refuse(
            "INVALID_FIELD",
            format!(
                "Foreign key external ID: {value} matched more than one record for field {field} in entity {object}"
            ),
            &[],
        )),
    }
}
