//! Retention's pass, periodically: personal data removed from each kind of record once it is
//! older than `[retention]` says (docs/privacy.md).
//!
//! The pass sweeps each kind in turn through the store ([`Store::retention_pass`]), a batch of
//! `batch_size` rows per transaction, and counts what it removed in
//! `gatehouse_retention_scrubbed_total{kind}`. One replica at a time runs it (the store's
//! turns); a second pass finds nothing left, so two replicas briefly both believing they hold
//! the turn do no harm. Outbox rows are the pruner's.

use std::time::Duration;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::config::{RetentionConfig, Settings};
use crate::store::{PassResult, Store, TaskTurn};
use crate::telemetry::Metrics;
use crate::telemetry::events::RetentionSwept;

/// The name of the pass's turn: one replica at a time sweeps.
pub const TURN: &str = "retention";

/// The longest the task sleeps between looks, whatever `every` says: a turn that moved to
/// this replica is noticed within it.
const LONGEST_TICK: Duration = Duration::from_secs(10 * 60);

/// Removes personal data past its retention.
pub struct Retention {
    store: Store,
    metrics: Metrics,
    config: RetentionConfig,
}

impl Retention {
    /// A pass over `store` as `config` says, counted in `metrics`.
    pub fn new(store: Store, metrics: Metrics, config: RetentionConfig) -> Retention {
        Retention {
            store,
            metrics,
            config,
        }
    }

    /// One pass: sweeps every kind kept for a limited time, then counts and logs what went and
    /// what failed (left for the next pass).
    pub async fn pass(&self) -> PassResult {
        let results = self.store.retention_pass(&self.config, false).await;
        report(&results, &self.metrics);
        results
    }

    /// Starts the periodic pass, unless every kind is kept forever.
    pub fn spawn(
        settings: &Settings,
        store: &Store,
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
        let retention = Retention::new(store.clone(), metrics.clone(), config.clone());
        Some(tokio::spawn(retention.run(
            every,
            tick,
            turn,
            cancel.clone(),
        )))
    }

    /// Passes at start and every `every` until cancelled, while `turn` is this replica's
    /// (looking, and keeping the turn, every `tick`); gives the turn up at the end.
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

/// Counts a pass's removals in `metrics` (one INFO line when something went) and logs each kind
/// that failed.
pub fn report(results: &PassResult, metrics: &Metrics) {
    let mut removed = Vec::new();
    for (kind, result) in results {
        match result {
            Ok(0) => {}
            Ok(rows) => removed.push((kind.as_str(), *rows)),
            Err(e) => tracing::error!(
                kind = kind.as_str(),
                error = %crate::report::chain(e),
                "retention could not sweep a kind of record; trying again at the next pass"
            ),
        }
    }
    RetentionSwept { rows: &removed }.emit(metrics);
}

#[cfg(test)]
mod tests;
