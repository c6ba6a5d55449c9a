//! The lifecycle record: per subject, who they are in the org, why they have access, what ends
//! it, and everything that happened to them, kept by the machine instead of a wiki.

mod history;
mod reading;
mod state;

use std::fmt;

use chrono::{DateTime, Utc};
use serde::Serialize;

pub use history::{HistoryEntry, HistoryKind};
pub use state::{SubjectState, WelcomeEmailState};

use crate::domain::SubjectKey;

/// One subject's lifecycle record (`GET /v1/subjects/{key}` shows it with its history).
///
/// The Salesforce facts (ids, username, state, licence) come from outcomes; the reasons
/// (purpose, sponsor, Account, end, trigger) from the intent of the last command applied.
#[derive(Clone, PartialEq, Serialize)]
pub struct SubjectRecord {
    pub subject_key: SubjectKey,
    /// The source whose event first named the subject.
    pub source: String,
    /// The source whose provision last applied (`operator` for a manual one): the source whose
    /// roster answers for the person's access. `None` until a provision applied.
    pub access_source: Option<String>,
    /// Why the person has access.
    pub purpose: Option<String>,
    /// Who vouches for them.
    pub sponsor: Option<String>,
    /// The Account as the intent named it: `key:P-100` or `id:001…`.
    pub account_ref: Option<String>,
    pub account_id: Option<String>,
    pub contact_id: Option<String>,
    pub user_id: Option<String>,
    pub username: Option<String>,
    pub nickname: Option<String>,
    /// The licence their profile takes (`Customer Community`, `Partner Community`).
    pub licence: Option<String>,
    pub state: SubjectState,
    /// What ended their access, once a deprovision was applied.
    pub deactivation_trigger: Option<String>,
    /// When access is to end, as the last provision said.
    pub end_at: Option<DateTime<Utc>>,
    /// `None` until a command recorded what became of the welcome email.
    pub welcome_email: Option<WelcomeEmailState>,
    /// The address Gatehouse last changed the User's Email to. Salesforce applies such a change
    /// at once and marks the address unverified (`HasUserVerifiedEmail` false) until the person
    /// verifies it; until then passwordless (email code) logins fail.
    pub pending_email: Option<String>,
    /// The source time of the newest command that succeeded or found nothing to change: an
    /// older event is stale.
    pub last_applied_source_time: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

// Usernames and nicknames often carry the person's email or name: Debug says only whether
// they are known.
impl fmt::Debug for SubjectRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SubjectRecord")
            .field("subject_key", &self.subject_key)
            .field("source", &self.source)
            .field("access_source", &self.access_source)
            .field("purpose", &self.purpose)
            .field("sponsor", &self.sponsor)
            .field("account_ref", &self.account_ref)
            .field("account_id", &self.account_id)
            .field("contact_id", &self.contact_id)
            .field("user_id", &self.user_id)
            .field("has_username", &self.username.is_some())
            .field("has_nickname", &self.nickname.is_some())
            .field("licence", &self.licence)
            .field("state", &self.state)
            .field("deactivation_trigger", &self.deactivation_trigger)
            .field("end_at", &self.end_at)
            .field("welcome_email", &self.welcome_email)
            .field("has_pending_email", &self.pending_email.is_some())
            .field("last_applied_source_time", &self.last_applied_source_time)
            .field("created_at", &self.created_at)
            .field("updated_at", &self.updated_at)
            .finish()
    }
}

/// A subject's record with everything that happened to them, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubjectLifecycle {
    #[serde(flatten)]
    pub record: SubjectRecord,
    pub history: Vec<HistoryEntry>,
}

/// What an outcome found out about the subject in the org; `None` leaves a field as it was.
/// Salesforce ids come from the outcome itself and need not be repeated here.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SubjectUpdate {
    pub state: Option<SubjectState>,
    pub username: Option<String>,
    pub nickname: Option<String>,
    pub licence: Option<String>,
    pub welcome_email: Option<WelcomeEmailState>,
    /// An Email change made now (see [`SubjectRecord::pending_email`]).
    pub pending_email: Option<String>,
}

/// Which subjects to list: one page in key order, after the last key of the previous page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubjectFilter {
    pub state: Option<SubjectState>,
    /// Page size; at most [`SubjectFilter::MAX_LIMIT`], larger values are capped.
    pub limit: u32,
    pub after: Option<SubjectKey>,
}

impl SubjectFilter {
    /// Records are small; a thousand fit comfortably in one response.
    pub const MAX_LIMIT: u32 = 1000;

    /// The limit actually used.
    pub fn capped_limit(&self) -> u32 {
        self.limit.min(Self::MAX_LIMIT)
    }
}

impl Default for SubjectFilter {
    fn default() -> Self {
        SubjectFilter {
            state: None,
            limit: 100,
            after: None,
        }
    }
}
