//! Retention on the [`Store`] facade: personal data removed from each kind of record once it
//! is older than its configured time, a batch at a time (docs/privacy.md).
//!
//! Every kind is worked through in statements of at most `batch_size` rows, each its own short
//! transaction, so the writer is never held for long: an inbox batch or an engine write waits
//! for one batch, not for the whole sweep. What each kind keeps afterwards is in
//! [`RetentionKind`]'s variants; which JSON fields are personal is `domain::personal`.

mod backend;

pub(crate) use backend::RetentionBackend;

use std::fmt;

use chrono::{DateTime, TimeDelta, Utc};

use super::Store;
use super::error::StoreError;
use crate::config::RetentionConfig;

/// A kind of record retention works through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RetentionKind {
    /// The raw body of a `mapped` or `ignored` event, dated by its verdict: dropped, keeping
    /// the dedupe key, the verdict and the body's SHA-256. `accepted` events (not mapped yet)
    /// and `unmapped` ones (waiting for an operator's replay) keep their body.
    InboxBodies,
    /// The personal fields of a finished command's intent, outcome and last error, dated by
    /// its end: scrubbed, keeping ids, states, outcome kinds, licence effects and call counts.
    /// A dead letter keeps them until it is replayed or a newer command of its subject was
    /// applied; the last applied command of a person who has access keeps them while they do
    /// (reconciliation repairs from it).
    Commands,
    /// The personal fields of a history entry's detail: scrubbed, keeping its kind, time,
    /// actor and command.
    History,
    /// Roster runs with their reports: deleted.
    Rosters,
    /// Reconciliation reports: deleted, except the newest (the schedule counts from it).
    ReconcileReports,
    /// Webhook delivery rows whose outcome event the outbox no longer holds: deleted. While the
    /// outbox keeps an event, its rows are what tells the relay a subscriber has it.
    WebhookDeliveries,
    /// The subject key and query values of an operator's audit entry, dated by the request:
    /// scrubbed, keeping who acted, when, what and why.
    Audit,
}

impl RetentionKind {
    /// Every kind, in the order a pass works through them.
    pub const ALL: [RetentionKind; 7] = [
        RetentionKind::InboxBodies,
        RetentionKind::Commands,
        RetentionKind::History,
        RetentionKind::Rosters,
        RetentionKind::ReconcileReports,
        RetentionKind::WebhookDeliveries,
        RetentionKind::Audit,
    ];

    /// How long `config` keeps this kind; `None` for forever (0 days).
    pub fn kept_for(self, config: &RetentionConfig) -> Option<TimeDelta> {
        let days = match self {
            RetentionKind::InboxBodies => config.inbox_bodies_days,
            RetentionKind::Commands => config.commands_days,
            RetentionKind::History => config.history_days,
            RetentionKind::Rosters => config.rosters_days,
            RetentionKind::ReconcileReports => config.reconcile_reports_days,
            RetentionKind::WebhookDeliveries => config.webhook_deliveries_days,
            RetentionKind::Audit => config.audit_days,
        };
        (days > 0).then(|| TimeDelta::days(i64::from(days)))
    }

    /// The name in metrics, logs and the admin API.
    pub fn as_str(self) -> &'static str {
        match self {
            RetentionKind::InboxBodies => "inbox_bodies",
            RetentionKind::Commands => "commands",
            RetentionKind::History => "history",
            RetentionKind::Rosters => "rosters",
            RetentionKind::ReconcileReports => "reconcile_reports",
            RetentionKind::WebhookDeliveries => "webhook_deliveries",
            RetentionKind::Audit => "audit",
        }
    }
}

impl fmt::Display for RetentionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a sweep of one kind did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    /// Rows scrubbed or deleted.
    pub rows: u64,
    /// Statements (each its own transaction) it took.
    pub statements: u32,
}

/// What one pass did to each kind `[retention]` keeps for a limited time, in
/// [`RetentionKind::ALL`]'s order: rows scrubbed or deleted (or, for a dry run, that would be),
/// or why the kind could not be swept.
pub type PassResult = Vec<(RetentionKind, Result<u64, StoreError>)>;

impl Store {
    /// One pass as `config` says: each kind kept for a limited time swept past its cut-off from
    /// now, by the store's clock. A kind that fails does not stop the others; the next pass
    /// takes it up again. With `dry_run`, counts what would go and changes nothing.
    pub async fn retention_pass(&self, config: &RetentionConfig, dry_run: bool) -> PassResult {
        let now = self.now();
        let mut results = Vec::new();
        for kind in RetentionKind::ALL {
            let Some(cut_off) = kind
                .kept_for(config)
                .and_then(|kept| now.checked_sub_signed(kept))
            else {
                continue;
            };
            let result = if dry_run {
                self.count_sweepable(kind, cut_off).await
            } else {
                self.sweep(kind, cut_off, config.batch_size)
                    .await
                    .map(|swept| swept.rows)
            };
            results.push((kind, result));
        }
        results
    }

    /// Works through the records of `kind` older than `older_than`, at most `batch_size` rows
    /// per transaction, until none is left; answers what it did. Safe to run twice at once (a
    /// second sweep finds the rows done), and to stop between batches.
    pub async fn sweep(
        &self,
        kind: RetentionKind,
        older_than: DateTime<Utc>,
        batch_size: u32,
    ) -> Result<Swept, StoreError> {
        let batch_size = batch_size.max(1);
        let mut swept = Swept::default();
        loop {
            let rows = self
                .backend()
                .sweep_batch(kind, older_than, batch_size, self.now())
                .await?;
            swept.rows += rows;
            swept.statements += 1;
            if rows < u64::from(batch_size) {
                return Ok(swept);
            }
            // Let the writers queued behind this batch go first.
            tokio::task::yield_now().await;
        }
    }

    /// How many records of `kind` older than `older_than` a sweep would scrub or delete now.
    pub async fn count_sweepable(
        &self,
        kind: RetentionKind,
        older_than: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        self.backend().count_sweepable(kind, older_than).await
    }
}
