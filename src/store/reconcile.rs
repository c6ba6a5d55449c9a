//! What reconciliation with the org keeps and reads: run reports, and each subject's last
//! applied provision (what the org should show of them).

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::Store;
use super::error::StoreError;
use super::subjects::SubjectState;
use crate::domain::{Provision, SubjectKey};

/// An external user created outside Gatehouse, linked by an operator to a new lifecycle
/// record.
#[derive(Debug, Clone)]
pub struct Adoption {
    pub subject: SubjectKey,
    pub user_id: String,
    pub contact_id: Option<String>,
    pub account_id: Option<String>,
    pub username: Option<String>,
    pub nickname: Option<String>,
    pub licence: Option<String>,
    /// As the org shows them: provisioned, deactivated or frozen.
    pub state: SubjectState,
    /// The operator who adopted them.
    pub actor: String,
    pub at: DateTime<Utc>,
}

impl Adoption {
    /// The source an adopted record is filed under (it came from no source's event).
    pub const SOURCE: &'static str = "operator";
}

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

    /// Creates the lifecycle record of an adopted external user, with a history row naming
    /// the operator and the time (`adoption.at`, from the caller's clock). Refused
    /// ([`StoreError::AdoptionRefused`]) when the key has a record or another record names the
    /// user; nothing is written then.
    pub async fn adopt_subject(&self, adoption: &Adoption) -> Result<(), StoreError> {
        self.backend().adopt_subject(adoption).await
    }

    /// Each subject's last applied provision (it succeeded or found nothing to change), in
    /// subject order.
    pub async fn last_provisions(&self) -> Result<Vec<(String, Provision)>, StoreError> {
        self.backend().last_provisions().await
    }
}
