//! The relays' loops: one per subscriber, a pass whenever an outcome is announced, a due
//! retry comes, or at the latest every [`POLL`].

use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::{WebhookError, WebhookRelay, ce_source};
use crate::clock::Clock;
use crate::config::Settings;
use crate::store::{Store, TaskTurn};
use crate::telemetry::Metrics;

/// Longest wait between passes: events written by another replica, and retries that fell
/// due, are sent after at most this.
pub const POLL: Duration = Duration::from_millis(500);
/// The wait after a pass that could not read or write the store.
const STORE_BACKOFF: Duration = Duration::from_secs(2);
/// How long a replica's turn at a subscriber lasts unless renewed.
const TURN_LEASE: Duration = Duration::from_secs(30);

/// Starts one relay per `[[outcomes.webhooks]]` subscriber.
pub fn spawn(
    settings: &Settings,
    store: &Store,
    clock: &Arc<dyn Clock>,
    metrics: &Metrics,
    cancel: &CancellationToken,
) -> Result<Vec<JoinHandle<()>>, WebhookError> {
    let subscribers = settings.outcomes.resolve()?;
    let source = ce_source(settings);
    let mut handles = Vec::with_capacity(subscribers.len());
    for subscriber in subscribers {
        let relay = WebhookRelay::new(
            subscriber,
            &source,
            store.clone(),
            clock.clone(),
            metrics.clone(),
        )?;
        tracing::info!(
            subscriber = relay.name(),
            "delivering outcome events by webhook"
        );
        // One turn per subscriber, named once for the process's life.
        let task: &'static str =
            Box::leak(format!("webhook-relay:{}", relay.name()).into_boxed_str());
        let turn = TaskTurn::new(store.clone(), task, &settings.engine.worker_id, TURN_LEASE);
        handles.push(tokio::spawn(relay.run(turn, cancel.clone())));
    }
    Ok(handles)
}

impl WebhookRelay {
    /// Delivers until cancelled, while `turn` is this replica's. A request in flight at the
    /// stop is dropped: its delivery stays pending and is sent again, with the same id.
    pub async fn run(self, mut turn: TaskTurn, cancel: CancellationToken) {
        let mut announcements = self.store.outbox_announcements();
        loop {
            if !turn.is_mine().await {
                tokio::select! {
                    _ = cancel.cancelled() => break,
                    _ = tokio::time::sleep(turn.retry_every()) => continue,
                }
            }
            let pass = tokio::select! {
                pass = self.pass() => pass,
                _ = cancel.cancelled() => break,
            };
            let wait = match pass {
                Ok(pass) if pass.delivered > 0 => continue,
                Ok(pass) => pass
                    .next_due
                    .and_then(|due| (due - self.clock.now()).to_std().ok())
                    .map_or(POLL, |until_due| until_due.min(POLL)),
                Err(e) => {
                    tracing::error!(subscriber = self.name(), error = %crate::report::chain(&e), "could not read or write outcome webhook deliveries; trying again");
                    STORE_BACKOFF
                }
            };
            tokio::select! {
                _ = cancel.cancelled() => break,
                _ = announcements.changed() => {}
                _ = tokio::time::sleep(wait) => {}
            }
        }
        turn.give_up().await;
    }
}
