//! Salesforce's refusals, parsed once and sorted where they are parsed into what the caller
//! should do about them.
//!
//! The data API answers errors as a JSON array of `{"message","errorCode","fields"}`; sObject
//! Collections write `statusCode` instead of `errorCode`. Anything else (an HTML page from a
//! proxy, an empty body) is still an error, carried as bounded raw text.

use std::fmt;

use serde::Deserialize;

use crate::domain::Refusal;
use crate::salesforce::disposition::Disposition;
use crate::salesforce::raw_text::raw_text;

/// Gatehouse's code for an error answer whose body is not Salesforce's error array.
pub const UNRECOGNISED_ANSWER: &str = "UNRECOGNISED_ANSWER";

/// One error from Salesforce, kept verbatim, with what to do about it.
#[derive(Clone, PartialEq, Eq)]
pub struct SalesforceError {
    /// HTTP status of the answer, or of the composite subrequest; `None` for one record's
    /// error inside a 200 collection answer.
    pub status: Option<u16>,
    /// `errorCode` (or `statusCode` in collection results), e.g. `DUPLICATE_USERNAME`.
    pub code: String,
    pub message: String,
    /// Fields the error names, e.g. `["Username"]`; often empty.
    pub fields: Vec<String>,
    disposition: Disposition,
}

impl SalesforceError {
    /// An error as Salesforce reported it; the disposition follows from the status and code.
    pub fn new(
        status: Option<u16>,
        code: impl Into<String>,
        message: impl Into<String>,
        fields: Vec<String>,
    ) -> Self {
        let code = code.into();
        let disposition = classify(status, &code);
        SalesforceError {
            status,
            code,
            message: message.into(),
            fields,
            disposition,
        }
    }

    /// What the caller should do.
    pub fn disposition(&self) -> Disposition {
        self.disposition
    }

    /// The error as a dead-lettered outcome carries it.
    pub fn refusal(&self) -> Refusal {
        Refusal {
            code: self.code.clone(),
            message: self.message.clone(),
            fields: self.fields.clone(),
            status: self.status,
        }
    }

    /// Reads an error answer. Salesforce may list several errors; the first is the one
    /// reported (it is the one Salesforce's own tools show), the rest are in `others`.
    pub fn from_answer(status: u16, body: &[u8]) -> SalesforceError {
        let mut errors = parse_error_array(Some(status), body);
        if errors.is_empty() {
            return SalesforceError::new(Some(status), UNRECOGNISED_ANSWER, raw_text(body), vec![]);
        }
        errors.swap_remove(0)
    }

    /// The errors of one record in a collection answer (`statusCode` spelling) or of one
    /// composite subrequest; an empty list when the value holds none.
    pub fn list_from_value(status: Option<u16>, value: &serde_json::Value) -> Vec<SalesforceError> {
        Vec::<ErrorItem>::deserialize(value)
            .map(|items| {
                items
                    .into_iter()
                    .filter_map(|i| i.into_error(status))
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Parses `[{"message","errorCode"|"statusCode","fields"}]`; entries without any code are
/// skipped, and a body of another shape gives an empty list.
pub fn parse_error_array(status: Option<u16>, body: &[u8]) -> Vec<SalesforceError> {
    serde_json::from_slice::<serde_json::Value>(body)
        .map(|value| SalesforceError::list_from_value(status, &value))
        .unwrap_or_default()
}

/// The sorting rule. Codes first, because Salesforce reuses statuses (`REQUEST_LIMIT_EXCEEDED`
/// and `INSUFFICIENT_ACCESS` are both 403; `UNABLE_TO_LOCK_ROW` is a 400).
fn classify(status: Option<u16>, code: &str) -> Disposition {
    match code {
        "INVALID_SESSION_ID" => Disposition::Session,
        "REQUEST_LIMIT_EXCEEDED" => Disposition::RateLimited,
        "LICENSE_LIMIT_EXCEEDED" => Disposition::LicenceExhausted,
        // PROCESSING_HALTED: rolled back because another subrequest failed; that other one
        // carries the real reason, this one would have gone through.
        "SERVER_UNAVAILABLE" | "UNABLE_TO_LOCK_ROW" | "PROCESSING_HALTED" => Disposition::Transient,
        _ => match status {
            Some(401) => Disposition::Session,
            Some(429) => Disposition::RateLimited,
            Some(500..=599) => Disposition::Transient,
            _ => Disposition::Permanent,
        },
    }
}

#[derive(Deserialize)]
struct ErrorItem {
    #[serde(default)]
    message: Option<String>,
    #[serde(default, rename = "errorCode")]
    error_code: Option<String>,
    #[serde(default, rename = "statusCode")]
    status_code: Option<String>,
    #[serde(default)]
    fields: Option<Vec<String>>,
}

impl ErrorItem {
    fn into_error(self, status: Option<u16>) -> Option<SalesforceError> {
        let code = self.error_code.or(self.status_code)?;
        Some(SalesforceError::new(
            status,
            code,
            self.message.unwrap_or_default(),
            self.fields.unwrap_or_default(),
        ))
    }
}

/// Display and Debug leave the message out: Salesforce's messages may quote the values sent
/// (`invalid email address: …`), and these forms end up in logs. The message travels in
/// [`SalesforceError::refusal`], to the dead letter, not the log.
impl fmt::Display for SalesforceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.status {
            Some(status) => write!(f, "Salesforce answered {status} {}", self.code)?,
            None => write!(f, "Salesforce refused the record: {}", self.code)?,
        }
        if !self.fields.is_empty() {
            write!(f, " (fields: {})", self.fields.join(", "))?;
        }
        Ok(())
    }
}

impl fmt::Debug for SalesforceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SalesforceError")
            .field("status", &self.status)
            .field("code", &self.code)
            .field("fields", &self.fields)
            .field("disposition", &self.disposition)
            .finish_non_exhaustive()
    }
}

impl std::error::Error for SalesforceError {}

#[cfg(test)]
mod tests;
