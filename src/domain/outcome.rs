//! Outcomes: how each command ended, exactly once, with what it cost and changed.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The end of a command. Waiting states (scheduled, parked, retrying, held) are progress, not
/// outcomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    /// The org was changed to match the intent.
    Succeeded,
    /// The org already matched: nothing written.
    NoChange,
    /// An event older than the last one applied for the subject: recorded, not applied.
    SkippedStale,
    /// A newer event for the subject replaced this command while it waited.
    Superseded,
    /// Salesforce or the rules refused it for good; kept with the reason for replay.
    DeadLettered,
    /// An operator rejected it while the mass-deprovision guard held it: never run.
    Rejected,
}

impl OutcomeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeKind::Succeeded => "succeeded",
            OutcomeKind::NoChange => "no_change",
            OutcomeKind::SkippedStale => "skipped_stale",
            OutcomeKind::Superseded => "superseded",
            OutcomeKind::DeadLettered => "dead_lettered",
            OutcomeKind::Rejected => "rejected",
        }
    }
}

/// What a command did to the licence count of the person's licence type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "effect", rename_all = "snake_case")]
pub enum LicenceEffect {
    /// A licence was taken (new or reactivated user).
    Consumed { licence: String },
    /// A licence was given back (deactivated or disabled user).
    Freed { licence: String },
    /// The user cannot log in but still holds the licence (frozen).
    Kept { licence: String },
    /// No licence changed hands.
    Unchanged,
}

/// Salesforce ids of the records a command touched or found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SalesforceIds {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_id: Option<String>,
}

/// Salesforce's refusal, kept verbatim on a dead-lettered outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Refusal {
    /// Salesforce's `errorCode`, or Gatehouse's own code for a rule refusal
    /// (`ACCOUNT_NOT_ELIGIBLE`, `USERNAME_CANDIDATES_EXHAUSTED`).
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    /// HTTP status of the refusing response, when Salesforce refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
}

/// How a command ended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    pub kind: OutcomeKind,
    #[serde(default)]
    pub salesforce: SalesforceIds,
    pub licence_effect: LicenceEffect,
    /// What was done, in order (`contact.created`, `user.created`, `welcome_email.sent`).
    #[serde(default)]
    pub steps: Vec<String>,
    /// Salesforce API calls this command spent (a composite counts once, as Salesforce counts).
    pub api_calls: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<Refusal>,
    pub finished_at: DateTime<Utc>,
    /// The batch the command ran in, when it shared requests with others.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub batch: Option<BatchRecord>,
}

/// The batch a command ran in: the commands claimed together whose requests were shared.
/// `api_calls` are the calls made for the batch as a whole; each command's own `api_calls` count
/// only the calls it caused alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchRecord {
    pub id: String,
    /// Commands in the batch.
    pub size: u32,
    /// Salesforce API calls made for the batch as a whole.
    pub api_calls: u32,
}
