//! What reconciliation with the org keeps: each run's report, and the intents it compares the
//! org with (each subject's last provision applied).

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::row::unreadable;
use super::{Store, classify, time_text};
use crate::domain::{Intent, Provision};
use crate::store::error::StoreError;

impl Store {
    /// Keeps a run's report.
    pub(crate) async fn save_reconcile_report(
        &self,
        run_id: &str,
        started_at: DateTime<Utc>,
        finished_at: DateTime<Utc>,
        report: &Value,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO reconcile_reports (run_id, started_at, finished_at, report) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(run_id)
        .bind(time_text(started_at))
        .bind(time_text(finished_at))
        .bind(report.to_string())
        .execute(self.writer())
        .await
        .map_err(|source| classify("keeping a reconciliation report", source))?;
        Ok(())
    }

    /// The report of the run that started last, if any ran.
    pub(crate) async fn last_reconcile_report(&self) -> Result<Option<Value>, StoreError> {
        let text: Option<String> = sqlx::query_scalar(
            "SELECT report FROM reconcile_reports ORDER BY started_at DESC, run_id DESC LIMIT 1",
        )
        .fetch_optional(self.readers())
        .await
        .map_err(|source| classify("reading the last reconciliation report", source))?;
        text.map(|t| serde_json::from_str(&t))
            .transpose()
            .map_err(|source| unreadable("the last reconciliation report", source))
    }

    /// Each subject's last provision that was applied (it succeeded or found nothing to
    /// change), in subject order: what the org should show of them.
    pub(crate) async fn last_provisions(&self) -> Result<Vec<(String, Provision)>, StoreError> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT subject_key, intent FROM commands \
             WHERE outcome_kind IN ('succeeded', 'no_change') ORDER BY subject_key, seq",
        )
        .fetch_all(self.readers())
        .await
        .map_err(|source| classify("reading the last provisions", source))?;
        let mut last: Vec<(String, Provision)> = Vec::new();
        for (subject, text) in rows {
            let intent: Intent = serde_json::from_str(&text)
                .map_err(|source| unreadable(format!("a command of subject {subject}"), source))?;
            let Intent::Provision(provision) = intent else {
                continue;
            };
            match last.last_mut() {
                Some((key, kept)) if *key == subject => *kept = *provision,
                _ => last.push((subject, *provision)),
            }
        }
        Ok(last)
    }
}
