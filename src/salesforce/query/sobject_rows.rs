//! The sObject resources, one record at a time: read, create, update, upsert by external id,
//! and the password reset that mails a user a link.

use reqwest::Method;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::record::{Lookup, Record, Upserted, ids_of_choices};
use crate::salesforce::transport::{CallError, DataPaths, Request, SalesforceClient};

/// The answer to a create or an upsert.
#[derive(Deserialize)]
struct SaveAnswer {
    id: String,
    #[serde(default)]
    created: Option<bool>,
}

impl SalesforceClient {
    /// A record by id, with `fields` (all fields when empty); `None` when no record has the id.
    pub async fn get_record(
        &self,
        sobject: &str,
        id: &str,
        fields: &[&str],
    ) -> Result<Option<Record>, CallError> {
        let path = self.paths().record(sobject, id) + &DataPaths::fields_query(fields);
        match self.send(Request::new(Method::GET, path)).await {
            Ok(answer) if answer.status == 200 => answer.json().map(Some),
            Ok(answer) => Err(answer.unexpected()),
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// A record by external id. A GET by external id is not a query, so inside a composite it
    /// does not count against the five-query limit; here it is one call either way.
    ///
    /// Salesforce answers 404 `NOT_FOUND` both when no record has the value and when the field
    /// does not exist; both read as [`Lookup::Missing`], so check the field once at start-up.
    pub async fn get_by_external_id(
        &self,
        sobject: &str,
        field: &str,
        value: &str,
        fields: &[&str],
    ) -> Result<Lookup, CallError> {
        let path = self.paths().external(sobject, field, value) + &DataPaths::fields_query(fields);
        match self.send(Request::new(Method::GET, path)).await {
            Ok(answer) if answer.status == 200 => answer.json().map(Lookup::Found),
            Ok(answer) if answer.status == 300 => {
                let body: Value = answer.json()?;
                ids_of_choices(&body)
                    .map(Lookup::Ambiguous)
                    .ok_or_else(|| answer.unexpected())
            }
            Ok(answer) => Err(answer.unexpected()),
            Err(e) if is_not_found(&e) => Ok(Lookup::Missing),
            Err(e) => Err(e),
        }
    }

    /// Creates a record; returns its id.
    pub async fn create(
        &self,
        sobject: &str,
        fields: &Map<String, Value>,
    ) -> Result<String, CallError> {
        let request = Request::new(Method::POST, self.paths().sobject(sobject))
            .body(Value::Object(fields.clone()));
        let answer = self.send(request).await?;
        if answer.status != 201 && answer.status != 200 {
            return Err(answer.unexpected());
        }
        Ok(answer.json::<SaveAnswer>()?.id)
    }

    /// Changes fields of a record (`204 No Content`).
    pub async fn update(
        &self,
        sobject: &str,
        id: &str,
        fields: &Map<String, Value>,
    ) -> Result<(), CallError> {
        let request = Request::new(Method::PATCH, self.paths().record(sobject, id))
            .body(Value::Object(fields.clone()));
        let answer = self.send(request).await?;
        match answer.status {
            200 | 204 => Ok(()),
            _ => Err(answer.unexpected()),
        }
    }

    /// Creates or updates the record whose `field` holds `value`: 201 created, 200 updated
    /// (API 46.0 and later), 300 when several records hold it. An unknown field is a 404
    /// `NOT_FOUND` error. Never put an email in `value`: Salesforce may read `a@b.inc` in a
    /// path as a file extension and answer 404.
    pub async fn upsert_by_external_id(
        &self,
        sobject: &str,
        field: &str,
        value: &str,
        fields: &Map<String, Value>,
    ) -> Result<Upserted, CallError> {
        let request = Request::new(Method::PATCH, self.paths().external(sobject, field, value))
            .body(Value::Object(fields.clone()));
        let answer = self.send(request).await?;
        match answer.status {
            201 => Ok(Upserted::Created(answer.json::<SaveAnswer>()?.id)),
            200 => {
                let saved: SaveAnswer = answer.json()?;
                Ok(match saved.created {
                    Some(true) => Upserted::Created(saved.id),
                    _ => Upserted::Updated(saved.id),
                })
            }
            // Before API 46.0 an update answered 204 without a body; the record then has no
            // id to report here, which this client (46.0 and later only) never sees.
            300 => {
                let body: Value = answer.json()?;
                ids_of_choices(&body)
                    .map(Upserted::Ambiguous)
                    .ok_or_else(|| answer.unexpected())
            }
            _ => Err(answer.unexpected()),
        }
    }

    /// Resets a user's password, which makes Salesforce email them a reset link: the welcome
    /// email when the site does not send one itself. It cannot be taken back, so record the
    /// intent before calling. The temporary password Salesforce returns is dropped unread.
    pub async fn reset_password(&self, user_id: &str) -> Result<(), CallError> {
        let answer = self
            .send(Request::new(Method::DELETE, self.paths().password(user_id)))
            .await?;
        match answer.status {
            200 | 204 => Ok(()),
            _ => Err(answer.unexpected()),
        }
    }
}

/// 404 `NOT_FOUND`, the answer for "no such record".
fn is_not_found(error: &CallError) -> bool {
    error
        .salesforce()
        .is_some_and(|e| e.status == Some(404) && e.code == "NOT_FOUND")
}
