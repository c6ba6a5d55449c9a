//! The relay's loop: a pass whenever an outcome is announced (or at the latest every
//! [`POLL`]), a growing backoff while the broker does not acknowledge, and a stop that waits
//! for what is in flight no longer than the shutdown grace.

use std::time::Duration;

use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::{Pass, Relay, RelayError};
use crate::config::Settings;
use crate::store::{Store, StoreError, TaskTurn};
use crate::telemetry::Metrics;
use crate::telemetry::events::OutcomePublishFailed;

/// Longest wait between passes when nothing announces an outcome: rows written by another
/// process sharing the store, or a wake-up missed, are published after at most this.
pub const POLL: Duration = Duration::from_secs(1);
/// The first wait after a failed pass; doubled on each failure in a row, up to
/// [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(200);
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// The name of the relay's turn: one replica at a time publishes the outbox.
pub const TURN: &str = "outbox-relay";
/// How long a replica's turn at relaying lasts unless renewed: after a replica dies, another
/// starts publishing within this. A replica that stops gives its turn up at once.
pub const TURN_LEASE: Duration = Duration::from_secs(30);

/// Starts the relay when `[kafka.outcomes]` is configured; `None` when it is not.
pub fn spawn(
    settings: &Settings,
    store: &Store,
    metrics: &Metrics,
    cancel: &CancellationToken,
    grace: Duration,
) -> Result<Option<JoinHandle<()>>, RelayError> {
    let Some(kafka) = settings.kafka.as_ref().filter(|k| k.outcomes.is_some()) else {
        return Ok(None);
    };
    let relay = Relay::new(kafka, store.clone(), metrics.clone())?;
    tracing::info!(topic = relay.topic(), "publishing outcome events");
    let turn = TaskTurn::new(store.clone(), TURN, &settings.engine.worker_id, TURN_LEASE);
    Ok(Some(tokio::spawn(relay.run(turn, cancel.clone(), grace))))
}

impl Relay {
    /// Publishes until cancelled, while `turn` is this replica's (replicas sharing the store
    /// take turns, so one publishes at a time). Then finishes the pass in flight and makes one
    /// last pass for outcomes written meanwhile, together within `grace`, and gives the turn
    /// up; what is still unacknowledged is published at the next start or by another replica.
    pub async fn run(self, mut turn: TaskTurn, cancel: CancellationToken, grace: Duration) {
        let mut failures: u32 = 0;
        loop {
            if !turn.is_mine().await {
                tokio::select! {
                    _ = cancel.cancelled() => break,
                    _ = tokio::time::sleep(turn.retry_every()) => continue,
                }
            }
            let pass = self.publish_pending();
            tokio::pin!(pass);
            let result = tokio::select! {
                result = &mut pass => result,
                _ = cancel.cancelled() => {
                    let deadline = Instant::now() + grace;
                    let finished = tokio::time::timeout_at(deadline, pass).await;
                    if let Ok(result) = finished {
                        self.report(&result, failures);
                        self.last_pass(deadline).await;
                    }
                    break;
                }
            };
            let retry_in = self.report(&result, failures);
            let wait = match retry_in {
                Some(backoff) => {
                    failures = failures.saturating_add(1);
                    backoff
                }
                None => {
                    failures = 0;
                    if matches!(&result, Ok(pass) if pass.read >= self.batch as usize) {
                        // A full batch: more may wait.
                        continue;
                    }
                    POLL
                }
            };
            tokio::select! {
                _ = cancel.cancelled() => {
                    self.last_pass(Instant::now() + grace).await;
                    break;
                }
                _ = self.store.outbox_announced(), if retry_in.is_none() => {}
                _ = tokio::time::sleep(wait) => {}
            }
        }
        turn.give_up().await;
        let Relay { producer, .. } = self;
        // Dropping a producer purges its queue and waits briefly for librdkafka's threads.
        let _ = tokio::task::spawn_blocking(move || drop(producer)).await;
    }

    /// One pass before stopping, given up at `deadline`.
    async fn last_pass(&self, deadline: Instant) {
        match tokio::time::timeout_at(deadline, self.publish_pending()).await {
            Ok(result) => {
                self.report(&result, 0);
            }
            Err(_) => tracing::info!(
                "outcome events still unacknowledged at shutdown are published at the next start"
            ),
        }
    }

    /// Logs a pass and counts its failures; answers the backoff before the next pass when it
    /// did not publish everything it read.
    fn report(&self, result: &Result<Pass, StoreError>, failures: u32) -> Option<Duration> {
        match result {
            Ok(pass) if pass.unacknowledged == 0 => {
                if pass.marked > 0 {
                    tracing::debug!(published = pass.marked, "outcome events published");
                }
                None
            }
            Ok(pass) => {
                let retry_in = backoff(failures);
                let error = pass.error.as_ref().map_or_else(
                    || "not acknowledged".to_owned(),
                    |e| crate::report::chain(e).to_string(),
                );
                OutcomePublishFailed {
                    events: pass.unacknowledged as u64,
                    error: &error,
                    retry_in,
                }
                .emit(&self.metrics);
                Some(retry_in)
            }
            Err(e) => {
                let retry_in = backoff(failures);
                tracing::error!(error = %crate::report::chain(e), retry_in_ms = retry_in.as_millis() as u64, "could not read or mark the outbox");
                Some(retry_in)
            }
        }
    }
}

/// The wait after `failures` failed passes in a row (0: the first failure).
fn backoff(failures: u32) -> Duration {
    FIRST_BACKOFF
        .saturating_mul(2u32.saturating_pow(failures.min(16)))
        .min(MAX_BACKOFF)
}

#[cfg(test)]
mod tests;
