//! The SQL store's [`ComparisonBackend`]: rosters and reconciliation with the org.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::Store;
use crate::domain::{CommandId, Provision, SubjectKey};
use crate::store::comparisons::ComparisonBackend;
use crate::store::error::StoreError;
use crate::store::reconcile::Adoption;
use crate::store::rosters::{Absence, RosterRun, RosterRunWrite, WithAccess};

#[async_trait]
impl ComparisonBackend for Store {
    async fn subjects_with_access(&self) -> Result<Vec<WithAccess>, StoreError> {
        Store::subjects_with_access(self).await
    }

    async fn roster_absences(&self, source: &str) -> Result<Vec<Absence>, StoreError> {
        Store::roster_absences(self, source).await
    }

    async fn record_roster_run(&self, write: &RosterRunWrite) -> Result<(), StoreError> {
        Store::record_roster_run(self, write).await
    }

    async fn due_absences(
        &self,
        source: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Absence>, StoreError> {
        Store::due_absences(self, source, now).await
    }

    async fn mark_absence_acted(
        &self,
        subject: &SubjectKey,
        command_id: &CommandId,
    ) -> Result<(), StoreError> {
        Store::mark_absence_acted(self, subject, command_id).await
    }

    async fn clear_absence(&self, subject: &SubjectKey, source: &str) -> Result<(), StoreError> {
        Store::clear_absence(self, subject, source).await
    }

    async fn roster_run(&self, run_id: &str) -> Result<Option<RosterRun>, StoreError> {
        Store::roster_run(self, run_id).await
    }

    async fn roster_runs(&self, source: &str, limit: u32) -> Result<Vec<RosterRun>, StoreError> {
        Store::roster_runs(self, source, limit).await
    }

    async fn save_reconcile_report(
        &self,
        run_id: &str,
        started_at: DateTime<Utc>,
        finished_at: DateTime<Utc>,
        report: &Value,
    ) -> Result<(), StoreError> {
        Store::save_reconcile_report(self, run_id, started_at, finished_at, report).await
    }

    async fn last_reconcile_report(&self) -> Result<Option<Value>, StoreError> {
        Store::last_reconcile_report(self).await
    }

    async fn adopt_subject(&self, adoption: &Adoption) -> Result<(), StoreError> {
        Store::adopt_subject(self, adoption).await
    }

    async fn last_provisions(&self) -> Result<Vec<(String, Provision)>, StoreError> {
        Store::last_provisions(self).await
    }
}
