//! Salesforce's REST error shape: a JSON array of `{"message","errorCode","fields"}`.

use actix_web::http::{Method, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use serde::{Deserialize, Serialize};

/// One entry of Salesforce's error array.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SfError {
    pub message: String,
    #[serde(rename = "errorCode")]
    pub error_code: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
}

/// An error answered in Salesforce's shape, with its HTTP status. Every failure of the data API
/// ends up here, so no request can answer anything but what Salesforce would.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub errors: Vec<SfError>,
}

impl ApiError {
    /// One error with no fields.
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            errors: vec![SfError {
                message: message.into(),
                error_code: code.to_owned(),
                fields: Vec::new(),
            }],
        }
    }

    /// Adds the fields the (first) error is about.
    pub fn with_fields<I, S>(mut self, fields: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        if let Some(first) = self.errors.first_mut() {
            first.fields = fields.into_iter().map(Into::into).collect();
        }
        self
    }

    /// 400 with the given code: the most common refusal.
    pub fn bad_request(code: &str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 404 `NOT_FOUND`, as for an unknown record id or resource.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "NOT_FOUND", message)
    }

    /// 404 `NOT_FOUND` for a path the API does not have.
    pub fn resource_not_found() -> Self {
        Self::not_found("The requested resource does not exist")
    }

    /// 405 for a method the resource does not take, listing those it does.
    pub fn method_not_allowed(method: &Method, allowed: &str) -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "METHOD_NOT_ALLOWED",
            format!("HTTP Method '{method}' not allowed. Allowed are {allowed}"),
        )
    }

    /// The first error's code, for tests and logs.
    pub fn code(&self) -> &str {
        self.errors
            .first()
            .map(|e| e.error_code.as_str())
            .unwrap_or("")
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.errors.first() {
            Some(e) => write!(
                f,
                "{} {}: {}",
                self.status.as_u16(),
                e.error_code,
                e.message
            ),
            None => write!(f, "{}", self.status),
        }
    }
}

/// A refusal is an error in its own right, so a fixture the org refuses can name it as its
/// cause.
impl std::error::Error for ApiError {}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status).json(&self.errors)
    }
}
