//! Deleting old outbox rows, periodically.
//!
//! With an outcome topic, only rows the broker acknowledged may go: an unpublished row is an
//! outcome nobody has heard of yet, however old. Without one nothing will ever publish a row,
//! so every row past the retention goes, published or not. With `[[outcomes.webhooks]]`, a row
//! goes only once every subscriber that is not disabled is done with it (delivered, failed or
//! filtered), and its deliveries go with it. `[outbox] retention_hours = 0` keeps every row
//! forever.

use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::clock::Clock;
use crate::config::Settings;
use crate::store::{Store, StoreError, TaskTurn};

/// How often the pruner looks, after a first look at start. Rows live for hours at least, so
/// a few minutes late costs nothing, and each look is one statement per few thousand rows.
pub const EVERY: Duration = Duration::from_secs(10 * 60);
/// The name of the pruner's turn: one replica at a time prunes.
pub const TURN: &str = "outbox-pruner";

/// Which rows past the retention are deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PruneScope {
    /// Published rows only: an outcome topic is configured and the relay marks them.
    Published,
    /// Every row, published or not: nothing publishes them.
    Everything,
}

impl PruneScope {
    fn name(self) -> &'static str {
        match self {
            PruneScope::Published => "published",
            PruneScope::Everything => "everything",
        }
    }
}

/// Deletes outbox rows older than the retention.
pub struct Pruner {
    store: Store,
    clock: Arc<dyn Clock>,
    retention: TimeDelta,
    scope: PruneScope,
    /// The webhook subscribers configured; empty without any.
    subscribers: Vec<String>,
}

impl Pruner {
    /// Deletes rows in `scope` older than `retention`, as `clock` tells the time.
    pub fn new(
        store: Store,
        clock: Arc<dyn Clock>,
        retention: TimeDelta,
        scope: PruneScope,
    ) -> Pruner {
        Pruner {
            store,
            clock,
            retention,
            scope,
            subscribers: Vec::new(),
        }
    }

    /// Keeps rows until every one of these webhook subscribers (unless disabled) is done.
    pub fn with_subscribers(mut self, subscribers: Vec<String>) -> Pruner {
        self.subscribers = subscribers;
        self
    }

    /// The pruner `[outbox]` and `[kafka.outcomes]` call for: `None` when the retention is 0
    /// (keep forever); the [`PruneScope`] from whether an outcome topic is configured.
    pub fn for_settings(
        settings: &Settings,
        store: Store,
        clock: Arc<dyn Clock>,
    ) -> Option<Pruner> {
        let hours = settings.outbox.retention_hours;
        if hours == 0 {
            return None;
        }
        // Beyond what a TimeDelta holds, nothing is ever old enough; the cap changes nothing.
        let retention = i64::try_from(hours)
            .ok()
            .and_then(TimeDelta::try_hours)
            .unwrap_or(TimeDelta::MAX);
        let subscribers = settings.outcomes.webhooks.iter();
        Some(
            Pruner::new(store, clock, retention, Self::scope_for(settings))
                .with_subscribers(subscribers.map(|s| s.name.clone()).collect()),
        )
    }

    /// What may be pruned under these settings.
    pub fn scope_for(settings: &Settings) -> PruneScope {
        match settings.kafka.as_ref().and_then(|k| k.outcomes.as_ref()) {
            Some(_) => PruneScope::Published,
            None => PruneScope::Everything,
        }
    }

    /// Starts the pruner the settings call for, if any.
    pub fn spawn(
        settings: &Settings,
        store: &Store,
        clock: &Arc<dyn Clock>,
        cancel: &CancellationToken,
    ) -> Option<JoinHandle<()>> {
        let pruner = Pruner::for_settings(settings, store.clone(), clock.clone())?;
        let turn = TaskTurn::new(store.clone(), TURN, &settings.engine.worker_id, EVERY * 3);
        Some(tokio::spawn(pruner.run(turn, cancel.clone())))
    }

    /// Which rows it deletes.
    pub fn scope(&self) -> PruneScope {
        self.scope
    }

    /// Deletes what is past the retention now; answers how many rows went, and logs it.
    pub async fn prune(&self) -> Result<u64, StoreError> {
        let Some(cut_off) = self.clock.now().checked_sub_signed(self.retention) else {
            return Ok(0);
        };
        if cut_off.timestamp() < 0 {
            // Before any row could have been written.
            return Ok(0);
        }
        let pruned = if self.subscribers.is_empty() {
            match self.scope {
                PruneScope::Published => self.store.prune_outbox(cut_off).await?,
                PruneScope::Everything => self.store.prune_outbox_all(cut_off).await?,
            }
        } else {
            let published_only = self.scope == PruneScope::Published;
            let active = self.active_subscribers().await?;
            self.store
                .prune_outbox_delivered(cut_off, published_only, &active)
                .await?
        };
        if pruned > 0 {
            tracing::info!(
                pruned,
                scope = self.scope.name(),
                retention_hours = self.retention.num_hours(),
                "outbox pruned"
            );
        }
        Ok(pruned)
    }

    /// The configured subscribers that are not disabled: a disabled one holds nothing back.
    async fn active_subscribers(&self) -> Result<Vec<String>, StoreError> {
        let disabled: Vec<String> = self
            .store
            .webhook_subscribers()
            .await?
            .into_iter()
            .filter(|s| s.state == crate::store::SubscriberState::Disabled)
            .map(|s| s.subscriber)
            .collect();
        Ok(self
            .subscribers
            .iter()
            .filter(|name| !disabled.contains(name))
            .cloned()
            .collect())
    }

    /// Prunes at start and every [`EVERY`] until cancelled, while `turn` is this replica's
    /// (replicas sharing the store take turns; the holder keeps its turn by pruning, and
    /// another replica takes over three periods after it stopped). Gives the turn up at the end.
    pub async fn run(self, mut turn: TaskTurn, cancel: CancellationToken) {
        loop {
            if turn.is_mine().await
                && let Err(e) = self.prune().await
            {
                tracing::error!(error = %crate::report::chain(&e), "could not prune the outbox; trying again later");
            }
            tokio::select! {
                _ = cancel.cancelled() => break,
                _ = tokio::time::sleep(EVERY) => {}
            }
        }
        turn.give_up().await;
    }
}

#[cfg(test)]
mod tests;
