//! The replicas' roll call: each replica records itself alive in the store every [`EVERY`],
//! learns how many replicas share the store, and takes its share of the org-wide cap on
//! concurrent Salesforce calls (`[salesforce.api] max_concurrent_calls` divided by the
//! replicas alive, at least one).
//!
//! A replica that joins counts itself at once, but the others count it only at their next roll
//! call; so until its own second roll call it takes a single slot, and the sum of the shares
//! stays within the cap while the others shrink theirs. A replica that stops leaves the roll and
//! the others grow their shares at their next call; one that dies is dropped when its record
//! expires after [`TTL`].

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::report::chain;
use crate::salesforce::SalesforceClient;
use crate::store::Store;
use crate::telemetry::Metrics;

/// How often a replica answers the roll call.
pub const EVERY: Duration = Duration::from_secs(5);
/// How long an answer counts: three missed roll calls and a replica is counted gone.
pub const TTL: Duration = Duration::from_secs(15);

/// One replica's part in the roll call.
pub struct RollCall {
    pub store: Store,
    pub client: SalesforceClient,
    pub worker_id: String,
    /// `[salesforce.api] max_concurrent_calls`: the cap over every replica.
    pub cap: u32,
    pub metrics: Metrics,
}

impl RollCall {
    /// Answers the roll call until cancelled, then leaves it.
    pub async fn run(self, cancel: CancellationToken) {
        let mut joined = false;
        let mut share = None;
        loop {
            match self.store.roll_call(&self.worker_id, TTL).await {
                Ok(alive) => {
                    let next = share_of(self.cap, alive, joined);
                    joined = true;
                    self.metrics.families.replicas_alive.set(count(alive));
                    if share != Some(next) {
                        tracing::info!(
                            replicas = alive,
                            share = next,
                            cap = self.cap,
                            "this replica's share of the org's concurrent Salesforce calls"
                        );
                        self.client.share_concurrent_calls(next);
                        share = Some(next);
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %chain(&e), "could not answer the replicas' roll call; keeping this replica's share of concurrent Salesforce calls")
                }
            }
            tokio::select! {
                _ = cancel.cancelled() => break,
                _ = tokio::time::sleep(EVERY) => {}
            }
        }
        if let Err(e) = self.store.leave_roll(&self.worker_id).await {
            tracing::warn!(error = %chain(&e), "could not leave the replicas' roll call; the others count this replica until its record expires");
        }
    }
}

/// A replica's share of `cap` with `alive` replicas: an equal part, at least one; a single slot
/// at the first roll call when others are alive, who do not count this replica yet.
pub fn share_of(cap: u32, alive: u64, joined: bool) -> usize {
    if !joined && alive > 1 {
        return 1;
    }
    let share = u64::from(cap) / alive.max(1);
    usize::try_from(share).unwrap_or(usize::MAX).max(1)
}

fn count(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests;
