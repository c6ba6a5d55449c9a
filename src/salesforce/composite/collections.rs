//! sObject Collections: up to 200 records in one API call, for bursts (a partner onboarding
//! 500 people is three calls, not 500).
//!
//! The answer is 200 with one result per record, in order; with `all_or_none` false each
//! record succeeds or fails on its own. Record errors spell the code `statusCode`.

use reqwest::Method;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use crate::salesforce::transport::{CallError, Request, SalesforceClient, SalesforceError};

/// Most records in one collection request.
pub const MAX_COLLECTION: usize = 200;

/// A record to create.
#[derive(Debug, Clone, PartialEq)]
pub struct NewRecord {
    pub sobject: String,
    pub fields: Map<String, Value>,
}

/// Fields to change on a record.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordChange {
    pub sobject: String,
    pub id: String,
    pub fields: Map<String, Value>,
}

/// One record's result, in the order the records were sent.
#[derive(Debug, Clone, PartialEq)]
pub struct SaveResult {
    pub id: Option<String>,
    pub success: bool,
    /// For upserts: whether the record was made rather than updated.
    pub created: Option<bool>,
    pub errors: Vec<SalesforceError>,
}

impl SaveResult {
    /// The first error (the one to report), when the record failed.
    pub fn error(&self) -> Option<&SalesforceError> {
        self.errors.first()
    }
}

#[derive(Deserialize)]
struct RawResult {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    success: bool,
    #[serde(default)]
    created: Option<bool>,
    #[serde(default)]
    errors: Value,
}

impl SalesforceClient {
    /// Creates up to 200 records, of any types, in one call.
    pub async fn collections_create(
        &self,
        all_or_none: bool,
        records: &[NewRecord],
    ) -> Result<Vec<SaveResult>, CallError> {
        check_size(records.len())?;
        if let Some(at) = records.iter().position(|r| has_id(&r.fields)) {
            return Err(CallError::OverLimit(format!(
                "record {at} carries an Id; a collection create takes new records only"
            )));
        }
        let rows: Vec<Value> = records
            .iter()
            .map(|r| typed(&r.sobject, &r.fields, None))
            .collect();
        let body = json!({"allOrNone": all_or_none, "records": rows});
        self.save(
            Method::POST,
            self.paths().collections(),
            body,
            records.len(),
        )
        .await
    }

    /// Updates up to 200 records by id, of any types, in one call.
    pub async fn collections_update(
        &self,
        all_or_none: bool,
        changes: &[RecordChange],
    ) -> Result<Vec<SaveResult>, CallError> {
        check_size(changes.len())?;
        let rows: Vec<Value> = changes
            .iter()
            .map(|c| typed(&c.sobject, &c.fields, Some(&c.id)))
            .collect();
        let body = json!({"allOrNone": all_or_none, "records": rows});
        self.save(
            Method::PATCH,
            self.paths().collections(),
            body,
            changes.len(),
        )
        .await
    }

    /// Creates or updates up to 200 records of one type by the external id `field`, which each
    /// record must carry.
    pub async fn collections_upsert(
        &self,
        sobject: &str,
        field: &str,
        all_or_none: bool,
        records: &[Map<String, Value>],
    ) -> Result<Vec<SaveResult>, CallError> {
        check_size(records.len())?;
        if let Some(at) = records.iter().position(|r| !r.contains_key(field)) {
            return Err(CallError::OverLimit(format!(
                "record {at} has no {field}; an upsert by external id needs it on every record"
            )));
        }
        let rows: Vec<Value> = records.iter().map(|r| typed(sobject, r, None)).collect();
        let body = json!({"allOrNone": all_or_none, "records": rows});
        let path = self.paths().collections_upsert(sobject, field);
        self.save(Method::PATCH, path, body, records.len()).await
    }

    async fn save(
        &self,
        method: Method,
        path: String,
        body: Value,
        sent: usize,
    ) -> Result<Vec<SaveResult>, CallError> {
        let answer = self.send(Request::new(method, path).body(body)).await?;
        let raw: Vec<RawResult> = answer.json()?;
        if raw.len() != sent {
            return Err(CallError::Unreadable {
                status: answer.status,
                detail: format!("{} results for {sent} records", raw.len()),
            });
        }
        Ok(raw
            .into_iter()
            .map(|r| SaveResult {
                errors: SalesforceError::list_from_value(None, &r.errors),
                id: r.id,
                success: r.success,
                created: r.created,
            })
            .collect())
    }
}

fn check_size(count: usize) -> Result<(), CallError> {
    match count {
        0 => Err(CallError::OverLimit(
            "a collection request needs at least one record".into(),
        )),
        n if n > MAX_COLLECTION => Err(CallError::OverLimit(format!(
            "{n} records; a collection request takes at most {MAX_COLLECTION}: split it"
        ))),
        _ => Ok(()),
    }
}

fn has_id(fields: &Map<String, Value>) -> bool {
    fields.keys().any(|k| k.eq_ignore_ascii_case("id"))
}

/// A record with `attributes.type`, as collections require, and its id when updating.
fn typed(sobject: &str, fields: &Map<String, Value>, id: Option<&str>) -> Value {
    let mut row = Map::with_capacity(fields.len() + 2);
    row.insert("attributes".into(), json!({"type": sobject}));
    if let Some(id) = id {
        row.insert("id".into(), Value::String(id.to_owned()));
    }
    for (name, value) in fields {
        if id.is_some() && name.eq_ignore_ascii_case("id") {
            continue;
        }
        row.insert(name.clone(), value.clone());
    }
    Value::Object(row)
}

#[cfg(test)]
mod tests;
