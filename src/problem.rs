//! Refusals as RFC 9457 problem details (`application/problem+json`), each with a reason the
//! sender can act on and a stable `type` that operators can count and look up in docs/problems.md.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

/// A refused request.
#[derive(Debug, Clone, Serialize)]
pub struct Problem {
    /// Stable identifier of the kind of problem, e.g. `urn:gatehouse:problem:bad-signature`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short summary of the kind.
    pub title: &'static str,
    pub status: u16,
    /// What went wrong with this request and how to fix it.
    pub detail: String,
    /// The machine-readable reason, also the `reason` label of the rejection metric.
    pub reason: &'static str,
    /// Members particular to the kind (RFC 9457 §3.2), e.g. the role a refusal needed.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub extensions: Option<Box<serde_json::Map<String, serde_json::Value>>>,
    #[serde(skip)]
    pub code: StatusCode,
    /// Seconds to wait before retrying, sent as `Retry-After` (a `429` has one).
    #[serde(skip)]
    pub retry_after: Option<u64>,
}

impl Problem {
    /// A problem of the given status, reason code and human detail.
    pub fn new(
        code: StatusCode,
        reason: &'static str,
        title: &'static str,
        detail: impl Into<String>,
    ) -> Self {
        Problem {
            kind: format!("urn:gatehouse:problem:{}", reason.replace('_', "-")),
            title,
            status: code.as_u16(),
            detail: detail.into(),
            reason,
            extensions: None,
            code,
            retry_after: None,
        }
    }

    /// The same problem telling the sender when to try again.
    #[must_use]
    pub fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// The problem with one more member.
    #[must_use]
    pub fn with(mut self, name: &str, value: impl Into<serde_json::Value>) -> Self {
        self.extensions
            .get_or_insert_with(Box::default)
            .insert(name.to_owned(), value.into());
        self
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status, self.reason, self.detail)
    }
}

impl ResponseError for Problem {
    fn status_code(&self) -> StatusCode {
        self.code
    }

    fn error_response(&self) -> HttpResponse {
        let body = serde_json::to_vec(self).unwrap_or_default();
        let mut response = HttpResponse::build(self.code);
        response.content_type("application/problem+json");
        if let Some(seconds) = self.retry_after {
            response.insert_header((actix_web::http::header::RETRY_AFTER, seconds.to_string()));
        }
        response.body(body)
    }
}
