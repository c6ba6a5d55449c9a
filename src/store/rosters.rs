//! Rosters on the [`Store`] facade: who has access from which source, the people a source's
//! roster no longer lists (since when, and when their grace ends), and each roster run with
//! its report. Roster data lives in tables of its own (`roster_runs`, `roster_absences`).

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::Store;
use super::error::StoreError;
use crate::domain::{CommandId, SubjectKey};

/// A person with access: the subject and the source whose provision gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithAccess {
    pub subject: SubjectKey,
    pub access_source: String,
}

/// A person with access from `source` whom its roster stopped listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Absence {
    pub subject: SubjectKey,
    pub source: String,
    /// The time of the first applied roster that did not list them.
    pub first_missing_at: DateTime<Utc>,
    /// When their grace ends and they are deprovisioned.
    pub due_at: DateTime<Utc>,
    /// The run that first found them missing.
    pub run_id: String,
    /// The deprovision enqueued once the grace ended.
    pub command_id: Option<CommandId>,
}

/// A roster run as the store keeps it; `report` is the run's whole report as JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RosterRun {
    pub run_id: String,
    pub source: String,
    /// `upload` or `file`.
    pub origin: String,
    pub actor: String,
    /// `applied`, `refused` or `dry_run`.
    pub verdict: String,
    /// Why it was refused.
    pub reason: Option<String>,
    pub report: serde_json::Value,
    pub created_at: DateTime<Utc>,
}

/// What one roster run writes, in one transaction: the run, the people newly missing, and
/// the people listed again (or no longer with access) whose absence ends.
#[derive(Debug, Clone)]
pub struct RosterRunWrite {
    pub run: RosterRun,
    /// Newly missing people; one already recorded keeps its first time.
    pub missing: Vec<Absence>,
    /// Subjects of the run's source whose absence is cleared.
    pub cleared: Vec<SubjectKey>,
}

impl Store {
    /// Every subject who has access now (state `provisioned`), with the source that gave it.
    pub async fn subjects_with_access(&self) -> Result<Vec<WithAccess>, StoreError> {
        self.backend().subjects_with_access().await
    }

    /// The absences recorded for `source`, in subject order.
    pub async fn roster_absences(&self, source: &str) -> Result<Vec<Absence>, StoreError> {
        self.backend().roster_absences(source).await
    }

    /// Writes a roster run: its row, and for an applied run the absences it starts and ends,
    /// in one transaction.
    pub async fn record_roster_run(&self, write: &RosterRunWrite) -> Result<(), StoreError> {
        self.backend().record_roster_run(write).await
    }

    /// Absences whose grace ended by now and for which nothing was enqueued yet, of `source`
    /// or of every source.
    pub async fn due_absences(&self, source: Option<&str>) -> Result<Vec<Absence>, StoreError> {
        self.backend().due_absences(source, self.now()).await
    }

    /// Records the deprovision enqueued for an absence whose grace ended.
    pub async fn mark_absence_acted(
        &self,
        subject: &SubjectKey,
        command_id: &CommandId,
    ) -> Result<(), StoreError> {
        self.backend().mark_absence_acted(subject, command_id).await
    }

    /// Ends an absence of `source` without acting on it (the person's access changed since).
    pub async fn clear_absence(
        &self,
        subject: &SubjectKey,
        source: &str,
    ) -> Result<(), StoreError> {
        self.backend().clear_absence(subject, source).await
    }

    /// One roster run by id.
    pub async fn roster_run(&self, run_id: &str) -> Result<Option<RosterRun>, StoreError> {
        self.backend().roster_run(run_id).await
    }

    /// The newest roster runs of `source`, newest first, at most `limit` (capped at 100).
    pub async fn roster_runs(
        &self,
        source: &str,
        limit: u32,
    ) -> Result<Vec<RosterRun>, StoreError> {
        self.backend().roster_runs(source, limit.min(100)).await
    }
}
