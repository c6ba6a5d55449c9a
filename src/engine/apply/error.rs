//! Why applying stopped, and what the executor should do about it.

use super::applied::Applied;
use crate::domain::Refusal;
use crate::report;
use crate::salesforce::{CallError, Disposition};
use crate::store::StoreError;

/// The code of a checkpoint the store could not record: the command stopped before the call
/// the checkpoint guards, and is retried like a Salesforce call that brought no answer.
pub const STORE_UNAVAILABLE: &str = "STORE_UNAVAILABLE";

/// The code of a refusal for want of a licence: Salesforce's, and Gatehouse's own when the
/// read before a new user shows none free.
pub const LICENSE_LIMIT_EXCEEDED: &str = "LICENSE_LIMIT_EXCEEDED";

/// Why applying stopped.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// A Salesforce call failed; its disposition says whether to retry, park or dead-letter.
    #[error(transparent)]
    Call(#[from] CallError),
    /// Gatehouse's own permanent refusal (candidates exhausted, verification failed). Told by
    /// its code only, as Salesforce's errors are: the message may quote personal data (a
    /// username tried), and it is kept on the outcome, not written to the log.
    #[error("Gatehouse refused the command: {}", .0.code)]
    Refused(Refusal),
    /// Gatehouse's own permanent refusal after the run created the user (a permission set the
    /// org lacks, a failed verification): the licence is taken all the same, and the outcome
    /// keeps what was done. Told by its code only, like [`ApplyError::Refused`].
    #[error("Gatehouse refused the command after creating the user: {}", .0.refusal.code)]
    RefusedAfterCreation(Box<AfterCreation>),
    /// A checkpoint could not be recorded. It must stop the command before the irreversible
    /// call it guards; the command is retried, and reported as [`STORE_UNAVAILABLE`] rather
    /// than as an org that could not be reached.
    #[error("a checkpoint of the command could not be recorded")]
    Store(#[from] StoreError),
}

/// A provision refused after its user was created: the refusal, and what the run did.
#[derive(Debug)]
pub struct AfterCreation {
    pub refusal: Refusal,
    pub applied: Applied,
}

impl ApplyError {
    /// No licence of the type is free by the counts just read: the command parks before any
    /// write, as it would on the org's own refusal of the user. The message starts as
    /// Salesforce's does.
    pub fn no_licence(licence: &str) -> ApplyError {
        ApplyError::refused(
            LICENSE_LIMIT_EXCEEDED,
            format!(
                "License Limit Exceeded - {licence}: none free by the org's counts, nothing written"
            ),
        )
    }

    /// Gatehouse's own refusal with this code.
    pub fn refused(code: &str, message: impl Into<String>) -> ApplyError {
        ApplyError::Refused(Refusal {
            code: code.to_owned(),
            message: message.into(),
            fields: Vec::new(),
            status: None,
        })
    }

    /// What the run did before it was refused, when that must be recorded: a user created, a
    /// licence taken.
    pub fn applied(&self) -> Option<&Applied> {
        match self {
            ApplyError::RefusedAfterCreation(after) => Some(&after.applied),
            _ => None,
        }
    }

    /// What the executor should do about it: a store failure is waited out like a call that
    /// brought no answer.
    pub fn disposition(&self) -> Disposition {
        match self {
            ApplyError::Call(error) => error.disposition(),
            // Gatehouse's own finding that no licence is free (before any write) waits for one,
            // as the org's refusal does.
            ApplyError::Refused(refusal) if refusal.code == LICENSE_LIMIT_EXCEEDED => {
                Disposition::LicenceExhausted
            }
            ApplyError::Refused(_) | ApplyError::RefusedAfterCreation(_) => Disposition::Permanent,
            ApplyError::Store(_) => Disposition::Transient,
        }
    }

    /// The code an outcome or a waiting command carries: Salesforce's or Gatehouse's own.
    pub fn code(&self) -> &str {
        match self {
            ApplyError::Call(error) => error.code(),
            ApplyError::Refused(refusal) => &refusal.code,
            ApplyError::RefusedAfterCreation(after) => &after.refusal.code,
            ApplyError::Store(_) => STORE_UNAVAILABLE,
        }
    }

    /// As a dead-lettered outcome or a retrying command keeps it; a store failure's message
    /// tells every cause, down to SQLite's own words.
    pub fn refusal(&self) -> Refusal {
        match self {
            ApplyError::Call(error) => error.refusal(),
            ApplyError::Refused(refusal) => refusal.clone(),
            ApplyError::RefusedAfterCreation(after) => after.refusal.clone(),
            ApplyError::Store(_) => Refusal {
                code: STORE_UNAVAILABLE.to_owned(),
                message: report::chain(self).to_string(),
                fields: Vec::new(),
                status: None,
            },
        }
    }
}

#[cfg(test)]
mod tests;
