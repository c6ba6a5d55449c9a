//! Applying a plan to the org: the writes, in an order that converges however often it runs.

mod deprovision;
mod provision;
mod role;
mod welcome;

pub use deprovision::{apply_deprovision, deprovision_known_user};
pub use provision::{ProvisionContext, apply_provision};
pub use welcome::finish_earlier_creation;

use crate::domain::{LicenceEffect, Refusal, SalesforceIds};
use crate::salesforce::CallError;
use crate::store::WelcomeEmailState;

/// What applying a plan did.
#[derive(Debug, Clone, PartialEq)]
pub struct Applied {
    pub ids: SalesforceIds,
    pub steps: Vec<String>,
    pub licence_effect: LicenceEffect,
    /// Username and nickname of a user created now (after collision handling).
    pub username: Option<String>,
    pub nickname: Option<String>,
    pub welcome_email: Option<WelcomeEmailState>,
    /// The User Email change asked for, which Salesforce may hold until it is confirmed.
    pub email_change: Option<String>,
    /// Whether the org was changed at all (a deprovision of a known user may find nothing to do).
    pub changed: bool,
}

/// Why applying stopped.
#[derive(Debug)]
pub enum ApplyError {
    /// A Salesforce call failed; its disposition says whether to retry, park or dead-letter.
    Call(CallError),
    /// Gatehouse's own permanent refusal (candidates exhausted, verification failed).
    Refused(Refusal),
}

impl From<CallError> for ApplyError {
    fn from(e: CallError) -> Self {
        ApplyError::Call(e)
    }
}

impl From<crate::store::StoreError> for ApplyError {
    fn from(e: crate::store::StoreError) -> Self {
        // A checkpoint that cannot be written must stop the command before the irreversible
        // call it guards; the command is retried.
        ApplyError::Call(CallError::Unreachable {
            cause: anyhow::Error::new(e)
                .context("the store could not record progress")
                .into(),
            timed_out: false,
        })
    }
}

fn refusal(code: &str, message: impl Into<String>) -> ApplyError {
    ApplyError::Refused(Refusal {
        code: code.to_owned(),
        message: message.into(),
        fields: Vec::new(),
        status: None,
    })
}
