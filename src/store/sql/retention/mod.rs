//! Retention's statements: which rows of each kind are past their time, and the batches that
//! delete them (here) or scrub them (`scrub.rs`).
//!
//! Each batch is one statement, or for a scrub one read and its update in one transaction, of at
//! most `limit` rows, so the writer is held for one batch at a time. The conditions are written
//! once and shared by the batches and by [`RetentionBackend::count_sweepable`], so a dry run
//! counts exactly what a sweep would take.

mod scrub;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{Store, classify, time_text};
use crate::store::error::StoreError;
use crate::store::retention::{RetentionBackend, RetentionKind};

/// Mapped and ignored events with their body, whose verdict is older than `$1`.
const INBOX_BODIES: &str = "FROM inbox_events WHERE status IN ('mapped', 'ignored') \
     AND body_dropped_at IS NULL AND updated_at < $1";

/// A command `n` of the same subject as `c`, newer and applied.
const NEWER_APPLIED: &str = "SELECT 1 FROM commands n WHERE n.subject_key = c.subject_key \
     AND n.seq > c.seq AND n.outcome_kind IN ('succeeded', 'no_change')";

/// History entries not scrubbed yet, written before `$1`.
const HISTORY: &str = "FROM subject_history WHERE scrubbed_at IS NULL AND at < $1";

/// Roster runs made before `$1`.
const ROSTERS: &str = "FROM roster_runs WHERE created_at < $1";

/// Reconciliation reports of runs started before `$1`, but never the newest.
const RECONCILE_REPORTS: &str = "FROM reconcile_reports WHERE started_at < $1 AND run_id <> \
     (SELECT run_id FROM reconcile_reports ORDER BY started_at DESC, run_id DESC LIMIT 1)";

/// Deliveries made before `$1` whose outcome event is no longer in the outbox.
const WEBHOOK_DELIVERIES: &str = "FROM webhook_deliveries d WHERE d.created_at < $1 \
     AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.outbox_id = d.outbox_id)";

/// Audit entries made before `$1` that still say whom they were about.
const AUDIT: &str =
    "FROM audit WHERE at < $1 AND (subject_key IS NOT NULL OR personal IS NOT NULL)";

/// Finished commands `c` not scrubbed yet, ended before `$1`; not a dead letter still waiting
/// (neither replayed nor followed by a newer applied command of its subject), nor the last
/// applied command of a subject who has access (reconciliation repairs from its intent).
fn finished_commands() -> String {
    format!(
        "FROM commands c WHERE c.state = 'done' AND c.scrubbed_at IS NULL AND c.updated_at < $1 \
         AND (COALESCE(c.outcome_kind, '') <> 'dead_lettered' \
              OR EXISTS (SELECT 1 FROM commands r WHERE r.replay_of = c.command_id) \
              OR EXISTS ({NEWER_APPLIED})) \
         AND NOT (c.outcome_kind IN ('succeeded', 'no_change') \
              AND EXISTS (SELECT 1 FROM subjects s WHERE s.subject_key = c.subject_key \
                          AND s.state = 'provisioned') \
              AND NOT EXISTS ({NEWER_APPLIED}))"
    )
}

/// The rows of `kind` past their time, as a `FROM … WHERE …` clause with the cut-off as `$1`.
fn past_retention(kind: RetentionKind) -> String {
    match kind {
        RetentionKind::InboxBodies => INBOX_BODIES.to_owned(),
        RetentionKind::Commands => finished_commands(),
        RetentionKind::History => HISTORY.to_owned(),
        RetentionKind::Rosters => ROSTERS.to_owned(),
        RetentionKind::ReconcileReports => RECONCILE_REPORTS.to_owned(),
        RetentionKind::WebhookDeliveries => WEBHOOK_DELIVERIES.to_owned(),
        RetentionKind::Audit => AUDIT.to_owned(),
    }
}

impl Store {
    /// Clears whom at most `limit` audit entries were about, in one statement.
    async fn scrub_audit(&self, older_than: &str, limit: u32) -> Result<u64, StoreError> {
        let statement = format!(
            "UPDATE audit SET subject_key = NULL, personal = NULL WHERE seq IN \
             (SELECT seq {AUDIT} ORDER BY seq LIMIT $2)"
        );
        Ok(sqlx::query(&statement)
            .bind(older_than)
            .bind(i64::from(limit))
            .execute(self.writer())
            .await
            .map_err(|source| classify("scrubbing the audit trail past its retention", source))?
            .rows_affected())
    }

    /// Deletes at most `limit` rows of a kind that is deleted rather than scrubbed.
    async fn delete_batch(
        &self,
        kind: RetentionKind,
        older_than: &str,
        limit: u32,
    ) -> Result<u64, StoreError> {
        let (table, key, order) = match kind {
            RetentionKind::Rosters => ("roster_runs", "run_id", "created_at"),
            RetentionKind::ReconcileReports => ("reconcile_reports", "run_id", "started_at"),
            _ => ("webhook_deliveries", "seq", "d.seq"),
        };
        let statement = format!(
            "DELETE FROM {table} WHERE {key} IN \
             (SELECT {key} {} ORDER BY {order} LIMIT $2)",
            past_retention(kind)
        );
        Ok(sqlx::query(&statement)
            .bind(older_than)
            .bind(i64::from(limit))
            .execute(self.writer())
            .await
            .map_err(|source| classify("deleting records past their retention", source))?
            .rows_affected())
    }
}

#[async_trait]
impl RetentionBackend for Store {
    async fn sweep_batch(
        &self,
        kind: RetentionKind,
        older_than: DateTime<Utc>,
        limit: u32,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let (older_than, now) = (time_text(older_than), time_text(now));
        match kind {
            RetentionKind::InboxBodies => self.drop_bodies(&older_than, limit, &now).await,
            RetentionKind::Commands => self.scrub_commands(&older_than, limit, &now).await,
            RetentionKind::History => self.scrub_history(&older_than, limit, &now).await,
            RetentionKind::Audit => self.scrub_audit(&older_than, limit).await,
            RetentionKind::Rosters
            | RetentionKind::ReconcileReports
            | RetentionKind::WebhookDeliveries => self.delete_batch(kind, &older_than, limit).await,
        }
    }

    async fn count_sweepable(
        &self,
        kind: RetentionKind,
        older_than: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let count: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) {}", past_retention(kind)))
            .bind(time_text(older_than))
            .fetch_one(self.readers())
            .await
            .map_err(|source| classify("counting records past their retention", source))?;
        Ok(u64::try_from(count).unwrap_or(0))
    }
}
