//! Retention's pass, periodically: personal data removed from each kind of record once it is
//! older than `[retention]` says (docs/privacy.md).
//!
//! The pass sweeps each kind in turn through the store, a batch of `batch_size` rows per
//! transaction, and counts what it removed in `gatehouse_retention_scrubbed_total{kind}`. One
//! replica at a time runs it (the store's turns); a second pass finds nothing left, so two
//! replicas briefly both believing they hold the turn do no harm. Outbox rows are the pruner's.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::clock::Clock;
use crate::config::{RetentionConfig, Settings};
use crate::store::{RetentionKind, Store, StoreError, TaskTurn};
use crate::telemetry::Metrics;
use crate::telemetry::events::RetentionSwept;

/// The name of the pass's turn: one replica at a time sweeps.
pub const TURN: &str = "retention";

/// The longest the task sleeps between looks, whatever `every` says: a turn that moved to
/// this replica is noticed within it.
const LONGEST_TICK: Duration = Duration::from_secs(10 * 60);

/// What one pass removed, or would remove: rows per kind, in [`RetentionKind::ALL`]'s order,
/// kinds kept forever left out.
pub type Removed = Vec<(RetentionKind, u64)>;

/// Removes personal data past its retention.
pub struct Retention {
    store: Store,
    clock: Arc<dyn Clock>,
    metrics: Metrics,
    config: RetentionConfig,
}

impl Retention {
    /// A pass over `store` as `config` says, dated by `clock`, counted in `metrics`.
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        metrics: Metrics,
        config: RetentionConfig,
    ) -> Retention {
        Retention {
            store,
            clock,
            metrics,
            config,
        }
    }

    /// How long `kind` is kept; `None` for forever (0 days).
    fn kept_for(&self, kind: RetentionKind) -> Option<TimeDelta> {
        let days = match kind {
            RetentionKind::InboxBodies => self.config.inbox_bodies_days,
            RetentionKind::Commands => self.config.commands_days,
            RetentionKind::History => self.config.history_days,
            RetentionKind::Rosters => self.config.rosters_days,
            RetentionKind::ReconcileReports => self.config.reconcile_reports_days,
            RetentionKind::WebhookDeliveries => self.config.webhook_deliveries_days,
        };
        (days > 0).then(|| TimeDelta::days(i64::from(days)))
    }

    /// The kinds kept for a limited time, each with its cut-off now.
    fn cut_offs(&self) -> Vec<(RetentionKind, DateTime<Utc>)> {
        let now = self.clock.now();
        RetentionKind::ALL
            .into_iter()
            .filter_map(|kind| {
                let cut_off = now.checked_sub_signed(self.kept_for(kind)?)?;
                Some((kind, cut_off))
            })
            .collect()
    }

    /// One pass: sweeps every kind kept for a limited time, counts and logs what went. A kind
    /// the store fails on is logged and left for the next pass; the others are still swept.
    /// Answers what went, and the first failure if any.
    pub async fn pass(&self) -> (Removed, Option<StoreError>) {
        let mut removed = Vec::new();
        let mut failure = None;
        for (kind, cut_off) in self.cut_offs() {
            match self
                .store
                .sweep(kind, cut_off, self.config.batch_size)
                .await
            {
                Ok(swept) => removed.push((kind, swept.rows)),
                Err(e) => {
                    tracing::error!(kind = kind.as_str(), error = %crate::report::chain(&e), "retention could not sweep a kind of record; trying again at the next pass");
                    failure.get_or_insert(e);
                }
            }
        }
        let counted: Vec<(&'static str, u64)> = removed
            .iter()
            .filter(|(_, rows)| *rows > 0)
            .map(|(kind, rows)| (kind.as_str(), *rows))
            .collect();
        RetentionSwept { rows: &counted }.emit(&self.metrics);
        (removed, failure)
    }

    /// What a pass would remove now, changing nothing.
    pub async fn dry_run(&self) -> Result<Removed, StoreError> {
        let mut counts = Vec::new();
        for (kind, cut_off) in self.cut_offs() {
            counts.push((kind, self.store.count_sweepable(kind, cut_off).await?));
        }
        Ok(counts)
    }

    /// Starts the periodic pass, unless every kind is kept forever.
    pub fn spawn(
        settings: &Settings,
        store: &Store,
        clock: &Arc<dyn Clock>,
        metrics: &Metrics,
        cancel: &CancellationToken,
    ) -> Option<JoinHandle<()>> {
        let config = &settings.retention;
        if !config.limits_anything() {
            return None;
        }
        // Validation refused an unreadable `every`; an hour is what it defaults to.
        let every = config.interval().unwrap_or(Duration::from_secs(3600));
        let tick = every.min(LONGEST_TICK);
        let turn = TaskTurn::new(store.clone(), TURN, &settings.engine.worker_id, tick * 3);
        let retention = Retention::new(
            store.clone(),
            clock.clone(),
            metrics.clone(),
            config.clone(),
        );
        Some(tokio::spawn(retention.run(
            every,
            tick,
            turn,
            cancel.clone(),
        )))
    }

    /// Passes at start and every `every` until cancelled, while `turn` is this replica's
    /// (looking every `tick`); gives the turn up at the end.
    async fn run(
        self,
        every: Duration,
        tick: Duration,
        mut turn: TaskTurn,
        cancel: CancellationToken,
    ) {
        let mut last: Option<tokio::time::Instant> = None;
        loop {
            if turn.is_mine().await && last.is_none_or(|at| at.elapsed() >= every) {
                last = Some(tokio::time::Instant::now());
                self.pass().await;
            }
            tokio::select! {
                () = cancel.cancelled() => break,
                () = tokio::time::sleep(tick) => {}
            }
        }
        turn.give_up().await;
    }
}

#[cfg(test)]
mod tests;
