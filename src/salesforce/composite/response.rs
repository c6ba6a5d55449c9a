//! What a composite request answered, subrequest by subrequest, and the call that sends it.

use reqwest::Method;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::request::CompositeRequest;
use crate::salesforce::query::{Lookup, Record, Upserted, ids_of_choices};
use crate::salesforce::raw_text::raw_text;
use crate::salesforce::transport::{
    CallError, Request, SalesforceClient, SalesforceError, UNRECOGNISED_ANSWER,
};

/// One subrequest's answer.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SubResponse {
    #[serde(rename = "referenceId")]
    pub reference_id: String,
    #[serde(rename = "httpStatusCode")]
    pub status: u16,
    #[serde(default)]
    pub body: Value,
    #[serde(rename = "httpHeaders", default)]
    pub headers: Map<String, Value>,
}

impl SubResponse {
    /// A 2xx status.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The subrequest's error (the first, when Salesforce lists several), sorted like any
    /// other; `None` for a success or a 300.
    pub fn error(&self) -> Option<SalesforceError> {
        if self.status < 400 {
            return None;
        }
        let errors = SalesforceError::list_from_value(Some(self.status), &self.body);
        Some(errors.into_iter().next().unwrap_or_else(|| {
            let text = serde_json::to_vec(&self.body).unwrap_or_default();
            SalesforceError::new(
                Some(self.status),
                UNRECOGNISED_ANSWER,
                raw_text(&text),
                vec![],
            )
        }))
    }

    /// The record a GET returned.
    pub fn record(&self) -> Result<Record, SalesforceError> {
        self.fail_unless_success()?;
        match &self.body {
            Value::Object(fields) => Ok(Record::from_fields(fields.clone())),
            other => Err(self.unreadable(other)),
        }
    }

    /// The `id` a create or upsert returned.
    pub fn id(&self) -> Result<String, SalesforceError> {
        self.fail_unless_success()?;
        self.body
            .get("id")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| self.unreadable(&self.body))
    }

    /// A GET by external id read as a lookup: 200 found, 300 several, 404 `NOT_FOUND` none.
    pub fn lookup(&self) -> Result<Lookup, SalesforceError> {
        match self.status {
            300 => ids_of_choices(&self.body)
                .map(Lookup::Ambiguous)
                .ok_or_else(|| self.unreadable(&self.body)),
            404 if self.error().is_some_and(|e| e.code == "NOT_FOUND") => Ok(Lookup::Missing),
            _ => self.record().map(Lookup::Found),
        }
    }

    /// An upsert by external id: 201 created, 200 updated (or created, per its flag), 300 several.
    pub fn upserted(&self) -> Result<Upserted, SalesforceError> {
        match self.status {
            300 => ids_of_choices(&self.body)
                .map(Upserted::Ambiguous)
                .ok_or_else(|| self.unreadable(&self.body)),
            201 => self.id().map(Upserted::Created),
            _ => {
                let id = self.id()?;
                Ok(match self.body.get("created").and_then(Value::as_bool) {
                    Some(true) => Upserted::Created(id),
                    _ => Upserted::Updated(id),
                })
            }
        }
    }

    /// The rows a query subrequest returned (its first batch only: a composite does not
    /// follow `nextRecordsUrl`).
    pub fn records(&self) -> Result<Vec<Record>, SalesforceError> {
        self.fail_unless_success()?;
        let rows = self
            .body
            .get("records")
            .and_then(Value::as_array)
            .ok_or_else(|| self.unreadable(&self.body))?;
        rows.iter()
            .map(|row| match row {
                Value::Object(fields) => Ok(Record::from_fields(fields.clone())),
                other => Err(self.unreadable(other)),
            })
            .collect()
    }

    fn fail_unless_success(&self) -> Result<(), SalesforceError> {
        match self.error() {
            Some(error) => Err(error),
            None if self.is_success() => Ok(()),
            None => Err(self.unreadable(&self.body)),
        }
    }

    fn unreadable(&self, value: &Value) -> SalesforceError {
        let text = serde_json::to_vec(value).unwrap_or_default();
        SalesforceError::new(
            Some(self.status),
            UNRECOGNISED_ANSWER,
            format!(
                "subrequest {} answered {}: {}",
                self.reference_id,
                self.status,
                raw_text(&text)
            ),
            vec![],
        )
    }
}

/// Every subrequest's answer, in the order sent.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct CompositeResponse {
    #[serde(rename = "compositeResponse")]
    pub subresponses: Vec<SubResponse>,
}

impl CompositeResponse {
    /// The answer to the subrequest with this reference id.
    pub fn get(&self, reference_id: &str) -> Option<&SubResponse> {
        self.subresponses
            .iter()
            .find(|s| s.reference_id == reference_id)
    }

    /// The error that explains the failure, if any subrequest failed: the first that is not
    /// `PROCESSING_HALTED` (those were rolled back because of another), else the first.
    pub fn failure(&self) -> Option<SalesforceError> {
        let errors: Vec<SalesforceError> = self
            .subresponses
            .iter()
            .filter_map(SubResponse::error)
            .collect();
        let cause = errors.iter().position(|e| e.code != "PROCESSING_HALTED");
        let mut errors = errors;
        match cause {
            Some(at) => Some(errors.swap_remove(at)),
            None => errors.into_iter().next(),
        }
    }
}

impl SalesforceClient {
    /// Sends a composite: one API call, whatever it holds. Checked against Salesforce's
    /// limits first; a request that breaks one is not sent ([`CallError::OverLimit`]).
    pub async fn composite(
        &self,
        request: &CompositeRequest,
    ) -> Result<CompositeResponse, CallError> {
        request.check().map_err(CallError::OverLimit)?;
        let body = request.body(self.paths().base());
        let answer = self
            .send(Request::new(Method::POST, self.paths().composite()).body(body))
            .await?;
        let response: CompositeResponse = answer.json()?;
        if response.subresponses.len() != request.subrequests().len() {
            return Err(CallError::Unreadable {
                status: answer.status,
                detail: format!(
                    "{} subresponses for {} subrequests",
                    response.subresponses.len(),
                    request.subrequests().len()
                ),
            });
        }
        Ok(response)
    }
}

#[cfg(test)]
mod tests;
