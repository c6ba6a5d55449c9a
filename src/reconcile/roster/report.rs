//! A roster run's report: what the roster changed or would change, kept in the store and shown
//! by the API and `gatehouse roster show`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::plan::Plan;
use crate::domain::{CommandId, SubjectKey};

/// What became of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Absences recorded and cleared, due deprovisions and provisions enqueued.
    Applied,
    /// It would remove more than the source's `max_removal_share`: nothing changed.
    Refused,
    /// Asked as a dry run: nothing changed.
    DryRun,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Applied => "applied",
            Verdict::Refused => "refused",
            Verdict::DryRun => "dry_run",
        }
    }
}

/// One run's report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RosterReport {
    pub run_id: String,
    pub source: String,
    /// `upload` or `file`.
    pub origin: String,
    pub actor: String,
    pub verdict: Verdict,
    /// Why it was refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
    /// People the roster lists.
    pub listed: usize,
    /// People with access from the source.
    pub with_access: usize,
    /// The share of them the roster does not list (0 to 1).
    pub removal_share: f64,
    pub max_removal_share: f64,
    pub grace_seconds: u64,
    /// People with access from the source whom the roster does not list.
    pub leaving: Vec<Leaving>,
    /// People missing from an earlier roster whom this one lists again.
    pub reappeared: Vec<SubjectKey>,
    /// People the roster lists who have no access.
    pub without_access: Vec<WithoutAccess>,
}

/// A person with access the roster does not list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Leaving {
    pub subject: SubjectKey,
    pub first_missing_at: DateTime<Utc>,
    /// When the grace ends.
    pub due_at: DateTime<Utc>,
    /// Whether this run found them missing first.
    pub new: bool,
    /// Whether the grace had ended at the run: an applied run enqueues their deprovision.
    pub due: bool,
    /// The deprovision enqueued (by this run or an earlier one), once the grace ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command_id: Option<CommandId>,
}

/// A person the roster lists without access, and what the run did about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WithoutAccess {
    pub subject: SubjectKey,
    pub action: Action,
    /// Why they were not (or would not be) provisioned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub command_id: Option<CommandId>,
}

/// What a run does about a listed person without access.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The roster carries no fields for them: reported only.
    Reported,
    /// Their fields made a provision by the source's rules; it was enqueued.
    Provisioned,
    /// A dry run: their fields make a provision that an applied run would enqueue.
    WouldProvision,
    /// Their fields made no provision (the reason says why).
    NotProvisioned,
}

/// Why a roster is refused: the share it would remove and the limit.
pub(super) fn refusal(plan: &Plan, source: &str, limit: f64) -> String {
    format!(
        "the roster would remove {} of the {} people with access from {source} ({:.1} %), more than its max_removal_share of {:.1} %; nothing changed. If the roster is complete, raise [sources.{source}.roster] max_removal_share for this run or remove the people by hand",
        plan.missing.len(),
        plan.with_access,
        plan.removal_share * 100.0,
        limit * 100.0,
    )
}
