//! Everything a Salesforce call can end in other than an answer, each with its [`Disposition`].

use super::auth::AuthError;
use super::error::{Disposition, SalesforceError};
use crate::domain::Refusal;

/// Why a call brought back no usable answer.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// Salesforce answered with an error.
    #[error(transparent)]
    Refused(SalesforceError),
    /// No answer: connection refused or lost, TLS failure, or the request timeout passed.
    #[error("Salesforce could not be reached: {reason}")]
    Unreachable { reason: String, timed_out: bool },
    /// No access token: the token endpoint refused or could not be reached.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// The request would break one of Salesforce's documented limits (25 subrequests, 200
    /// records, …), so it was never sent: a bug in the caller, not a state of the org.
    #[error("request not sent: {0}")]
    OverLimit(String),
    /// A success status with a body that is not what the endpoint returns.
    #[error("Salesforce answered {status} with a body Gatehouse cannot read: {detail}")]
    Unreadable { status: u16, detail: String },
}

impl CallError {
    /// What the caller should do about it.
    pub fn disposition(&self) -> Disposition {
        match self {
            CallError::Refused(e) => e.disposition(),
            CallError::Unreachable { .. } => Disposition::Transient,
            CallError::Auth(e) => e.disposition(),
            CallError::OverLimit(_) | CallError::Unreadable { .. } => Disposition::Permanent,
        }
    }

    /// Salesforce's own error, when it sent one.
    pub fn salesforce(&self) -> Option<&SalesforceError> {
        match self {
            CallError::Refused(e) => Some(e),
            _ => None,
        }
    }

    /// The error code: Salesforce's when it refused, Gatehouse's own otherwise.
    pub fn code(&self) -> &str {
        match self {
            CallError::Refused(e) => &e.code,
            CallError::Unreachable {
                timed_out: true, ..
            } => "TIMEOUT",
            CallError::Unreachable { .. } => "UNREACHABLE",
            CallError::Auth(e) => e.code(),
            CallError::OverLimit(_) => "CLIENT_LIMIT",
            CallError::Unreadable { .. } => "UNREADABLE_ANSWER",
        }
    }

    /// As a dead-lettered outcome carries it: Salesforce's error verbatim when it refused.
    pub fn refusal(&self) -> Refusal {
        match self {
            CallError::Refused(e) => e.refusal(),
            other => Refusal {
                code: other.code().to_owned(),
                message: other.to_string(),
                fields: vec![],
                status: match other {
                    CallError::Unreadable { status, .. } => Some(*status),
                    _ => None,
                },
            },
        }
    }

    /// From reqwest's error, with the URL left out: it may carry a SOQL query with personal data.
    pub(crate) fn transport(error: reqwest::Error) -> CallError {
        let timed_out = error.is_timeout();
        CallError::Unreachable {
            reason: describe_transport(error),
            timed_out,
        }
    }
}

/// reqwest's message without the URL, plus the innermost cause (which says "connection
/// refused" or "certificate expired" where the outer message only says "error sending request").
pub(crate) fn describe_transport(error: reqwest::Error) -> String {
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    let mut innermost = None;
    while let Some(cause) = source {
        innermost = Some(cause.to_string());
        source = cause.source();
    }
    if let Some(cause) = innermost.filter(|c| !text.contains(c.as_str())) {
        text.push_str(": ");
        text.push_str(&cause);
    }
    text
}

impl From<SalesforceError> for CallError {
    fn from(error: SalesforceError) -> Self {
        CallError::Refused(error)
    }
}

#[cfg(test)]
mod tests;
