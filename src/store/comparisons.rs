//! The comparisons' share of the [`Backend`](crate::store::backend::Backend) — rosters and
//! reconciliation with the org: a trait of its own that every backend also implements, under
//! the same contract.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::Value;

use crate::domain::{CommandId, Provision, SubjectKey};
use crate::store::error::StoreError;
use crate::store::reconcile::Adoption;
use crate::store::rosters::{Absence, RosterRun, RosterRunWrite, WithAccess};

#[async_trait]
pub(crate) trait ComparisonBackend: Send + Sync + 'static {
    // Rosters.

    /// Every provisioned subject with the source that gave the access.
    async fn subjects_with_access(&self) -> Result<Vec<WithAccess>, StoreError>;

    /// The absences recorded for `source`.
    async fn roster_absences(&self, source: &str) -> Result<Vec<Absence>, StoreError>;

    /// The run's row, the absences it starts (a recorded one keeps its first time) and the ones
    /// it ends, in one transaction.
    async fn record_roster_run(&self, write: &RosterRunWrite) -> Result<(), StoreError>;

    /// Absences due by `now` with nothing enqueued yet, of `source` or every source.
    async fn due_absences(
        &self,
        source: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Absence>, StoreError>;

    /// Records the deprovision enqueued for an absence.
    async fn mark_absence_acted(
        &self,
        subject: &SubjectKey,
        command_id: &CommandId,
    ) -> Result<(), StoreError>;

    /// Deletes the absence of `subject` from `source`.
    async fn clear_absence(&self, subject: &SubjectKey, source: &str) -> Result<(), StoreError>;

    /// One roster run by id.
    async fn roster_run(&self, run_id: &str) -> Result<Option<RosterRun>, StoreError>;

    /// The newest `limit` runs of `source`, newest first.
    async fn roster_runs(&self, source: &str, limit: u32) -> Result<Vec<RosterRun>, StoreError>;

    // Reconciliation with the org.

    /// Keeps a reconciliation run's report.
    async fn save_reconcile_report(
        &self,
        run_id: &str,
        started_at: DateTime<Utc>,
        finished_at: DateTime<Utc>,
        report: &Value,
    ) -> Result<(), StoreError>;

    /// The report of the run that started last.
    async fn last_reconcile_report(&self) -> Result<Option<Value>, StoreError>;

    /// Creates an adopted external user's record with its history row, or refuses.
    async fn adopt_subject(&self, adoption: &Adoption) -> Result<(), StoreError>;

    /// Each subject's last applied provision, in subject order.
    async fn last_provisions(&self) -> Result<Vec<(String, Provision)>, StoreError>;
}
