//! What reconciliation with the org keeps and reads: run reports, and each subject's last
//! applied provision (what the org should show of them).

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::Store;
use super::error::StoreError;
use crate::domain::Provision;

impl Store {
    /// Keeps a run's report (with the run's id and times, from the caller's clock).
    pub async fn save_reconcile_report(
        &self,
        run_id: &str,
        started_at: DateTime<Utc>,
        finished_at: DateTime<Utc>,
        report: &Value,
    ) -> Result<(), StoreError> {
        self.backend()
            .save_reconcile_report(run_id, started_at, finished_at, report)
            .await
    }

    /// The report of the run that started last, if any ran.
    pub async fn last_reconcile_report(&self) -> Result<Option<Value>, StoreError> {
        self.backend().last_reconcile_report().await
    }

    /// Each subject's last applied provision (it succeeded or found nothing to change), in
    /// subject order.
    pub async fn last_provisions(&self) -> Result<Vec<(String, Provision)>, StoreError> {
        self.backend().last_provisions().await
    }
}
