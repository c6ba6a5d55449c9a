//! Everything a Salesforce call can end in other than an answer, each with its [`Disposition`].

use std::error::Error;

use super::salesforce_error::SalesforceError;
use crate::domain::Refusal;
use crate::report;
use crate::salesforce::auth::AuthError;
use crate::salesforce::disposition::Disposition;

/// Why a call brought back no usable answer.
#[derive(Debug, thiserror::Error)]
pub enum CallError {
    /// Salesforce answered with an error.
    #[error(transparent)]
    Refused(SalesforceError),
    /// No answer: connection refused or lost, TLS failure, or the request timeout passed. The
    /// cause is reqwest's error with the URL left out (it may carry a SOQL query with personal
    /// data).
    #[error("Salesforce could not be reached")]
    Unreachable {
        #[source]
        cause: Box<dyn Error + Send + Sync>,
        timed_out: bool,
    },
    /// No access token: the token endpoint refused or could not be reached.
    #[error(transparent)]
    Auth(#[from] AuthError),
    /// The request would break one of Salesforce's documented limits (25 subrequests, 200
    /// records, …), so it was never sent: a bug in the caller, not a state of the org.
    #[error("request not sent: {0}")]
    OverLimit(String),
    /// Never sent: the caller's work was taken away from it ([`Halt`](super::Halt)), so it
    /// makes no further call. Nothing reached the org.
    #[error("call not sent: the run was halted")]
    Halted,
    /// A success status with a body that is not what the endpoint returns.
    #[error("Salesforce answered {status} with a body Gatehouse cannot read: {detail}")]
    Unreadable { status: u16, detail: String },
    /// A success status with a body that is not the JSON the endpoint returns; `body` is its
    /// bounded text.
    #[error("Salesforce answered {status} with a body Gatehouse cannot read: {body}")]
    Undecodable {
        status: u16,
        body: String,
        #[source]
        cause: serde_json::Error,
    },
}

impl CallError {
    /// What the caller should do about it.
    pub fn disposition(&self) -> Disposition {
        match self {
            CallError::Refused(e) => e.disposition(),
            // The work goes on elsewhere; whoever halted it decides, so nothing here ends it.
            CallError::Unreachable { .. } | CallError::Halted => Disposition::Transient,
            CallError::Auth(e) => e.disposition(),
            CallError::OverLimit(_)
            | CallError::Unreadable { .. }
            | CallError::Undecodable { .. } => Disposition::Permanent,
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
            CallError::Halted => "HALTED",
            CallError::Unreadable { .. } | CallError::Undecodable { .. } => "UNREADABLE_ANSWER",
        }
    }

    /// As a dead-lettered outcome carries it: Salesforce's error verbatim when it refused,
    /// else Gatehouse's message with every cause beneath it.
    pub fn refusal(&self) -> Refusal {
        match self {
            CallError::Refused(e) => e.refusal(),
            other => Refusal {
                code: other.code().to_owned(),
                message: report::chain(other).to_string(),
                fields: vec![],
                status: other.answered(),
            },
        }
    }

    /// The status of an answer that came but could not be used.
    pub(crate) fn answered(&self) -> Option<u16> {
        match self {
            CallError::Unreadable { status, .. } | CallError::Undecodable { status, .. } => {
                Some(*status)
            }
            _ => None,
        }
    }

    /// From reqwest's error, with the URL left out: it may carry a SOQL query with personal data.
    pub(crate) fn transport(error: reqwest::Error) -> CallError {
        CallError::Unreachable {
            timed_out: error.is_timeout(),
            cause: Box::new(error.without_url()),
        }
    }
}

impl From<SalesforceError> for CallError {
    fn from(error: SalesforceError) -> Self {
        CallError::Refused(error)
    }
}

#[cfg(test)]
mod tests;
