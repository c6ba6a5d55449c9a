//! Keeping a claimed command's lease while it runs, and knowing when it is lost.
//!
//! A claim lasts `[engine] lease_seconds`; a run may outlast it (a wait at the API budget gate,
//! several slow calls in a row). So while a command runs, a [`LeaseKeeper`] renews its claim
//! through the store every third of the lease, each renewal conditional on the claim's
//! fencing token. The keeper's verdict is a [`ClaimHold`] shared with the run: once a renewal
//! finds the claim taken over, or cannot reach the store in time, the hold is lost, the run's
//! client makes no further Salesforce call, and the executor writes nothing more
//! (docs/engine.md, "Leases, renewal and fencing").

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::TimeDelta;

use crate::clock::Clock;
use crate::domain::CommandId;
use crate::report::chain;
use crate::salesforce::Halt;
use crate::store::{FencingToken, Store, StoreError};

/// How often the keeper looks at the clock to see whether a renewal is due. The renewal itself
/// is due every third of the lease by the service's clock; looking often keeps it on time when
/// the clock is moved (a test's clock) and costs a clock read.
const LOOK_EVERY: Duration = Duration::from_millis(250);

/// One run's hold on its claim: the command, the claim's token, and whether the claim is still
/// held. Clones share the verdict.
#[derive(Debug, Clone)]
pub struct ClaimHold {
    command_id: CommandId,
    fence: FencingToken,
    /// Thrown when the claim is lost; the run's Salesforce client obeys it.
    halt: Halt,
    /// Set once the run's ending is written: a keeper of several claims stops renewing it.
    ended: Arc<AtomicBool>,
}

impl ClaimHold {
    /// A hold on the claim of `command_id` under `fence`, held until told otherwise.
    pub fn new(command_id: CommandId, fence: FencingToken) -> ClaimHold {
        ClaimHold {
            command_id,
            fence,
            halt: Halt::new(),
            ended: Arc::new(AtomicBool::new(false)),
        }
    }

    /// The token every write of the run names.
    pub fn fence(&self) -> FencingToken {
        self.fence
    }

    /// The switch that stops the run's Salesforce calls once the claim is lost.
    pub fn halt(&self) -> &Halt {
        &self.halt
    }

    /// Records that the claim is lost: the run makes no further call and no further write.
    pub fn lose(&self) {
        self.halt.throw();
    }

    /// Records that the run's ending was written (or could not be): the claim needs no more
    /// renewal.
    pub fn end(&self) {
        self.ended.store(true, Ordering::SeqCst);
    }

    /// Whether the run's ending was written.
    pub fn is_ended(&self) -> bool {
        self.ended.load(Ordering::SeqCst)
    }

    /// Whether the claim was lost.
    pub fn is_lost(&self) -> bool {
        self.halt.is_thrown()
    }

    /// `Ok` while the claim is held; otherwise the error the run stops with, before a write
    /// the store would refuse anyway.
    pub fn check(&self) -> Result<(), StoreError> {
        if self.is_lost() {
            Err(StoreError::ClaimLost {
                command_id: self.command_id.clone(),
                fence: self.fence,
            })
        } else {
            Ok(())
        }
    }
}

/// Renews the claims of running commands.
#[derive(Clone)]
pub struct LeaseKeeper {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    /// How long each claim and each renewal lasts.
    pub lease: TimeDelta,
}

impl LeaseKeeper {
    /// Renews `hold`'s claim every third of the lease until the claim is lost; returns then
    /// (after marking `hold` lost). Meant to run beside the command's run and be dropped when
    /// the run ends.
    pub async fn keep(&self, hold: &ClaimHold) {
        let every = self.lease / 3;
        // A renewal slower than this would leave too little of the lease to count on.
        let patience = every.to_std().unwrap_or(LOOK_EVERY).max(LOOK_EVERY);
        let mut renewed_at = self.clock.now();
        loop {
            tokio::time::sleep(LOOK_EVERY).await;
            if hold.is_lost() {
                return;
            }
            let now = self.clock.now();
            if now - renewed_at < every {
                continue;
            }
            let renewal = self.store.renew(&hold.command_id, hold.fence, self.lease);
            match tokio::time::timeout(patience, renewal).await {
                Ok(Ok(_)) => renewed_at = now,
                Ok(Err(e)) => {
                    tracing::warn!(
                        error = %chain(&e),
                        fence = hold.fence.value(),
                        "the command's claim could not be renewed; the run stops before its next call"
                    );
                    hold.lose();
                    return;
                }
                Err(_) => {
                    tracing::warn!(
                        fence = hold.fence.value(),
                        waited_ms = patience.as_millis() as u64,
                        "the store did not answer the renewal of the command's claim; the run stops before its next call"
                    );
                    hold.lose();
                    return;
                }
            }
        }
    }
}

impl LeaseKeeper {
    /// Renews the claims of every hold of a batch together, in one store transaction every
    /// third of the lease, until every hold is lost; returns then. A hold whose claim the
    /// store no longer finds under its token is marked lost alone, and the others are kept; a
    /// renewal the store refuses, or does not answer within patience, loses them all, as
    /// [`LeaseKeeper::keep`] loses its one. Meant to run beside the batch and be dropped when
    /// the batch ends.
    pub async fn keep_all(&self, holds: &[ClaimHold]) {
        let every = self.lease / 3;
        let patience = every.to_std().unwrap_or(LOOK_EVERY).max(LOOK_EVERY);
        let mut renewed_at = self.clock.now();
        loop {
            tokio::time::sleep(LOOK_EVERY).await;
            let held: Vec<&ClaimHold> = holds
                .iter()
                .filter(|hold| !hold.is_lost() && !hold.is_ended())
                .collect();
            if held.is_empty() {
                return;
            }
            let now = self.clock.now();
            if now - renewed_at < every {
                continue;
            }
            let claims: Vec<(CommandId, FencingToken)> = held
                .iter()
                .map(|hold| (hold.command_id.clone(), hold.fence))
                .collect();
            let renewal = self.store.renew_many(&claims, self.lease);
            match tokio::time::timeout(patience, renewal).await {
                Ok(Ok(renewed)) => {
                    renewed_at = now;
                    lose_named(&held, &renewed.lost);
                }
                Ok(Err(e)) => {
                    tracing::warn!(
                        error = %chain(&e),
                        claims = held.len(),
                        "the batch's claims could not be renewed; its runs stop before their next call"
                    );
                    held.iter().for_each(|hold| hold.lose());
                    return;
                }
                Err(_) => {
                    tracing::warn!(
                        claims = held.len(),
                        waited_ms = patience.as_millis() as u64,
                        "the store did not answer the renewal of the batch's claims; its runs stop before their next call"
                    );
                    held.iter().for_each(|hold| hold.lose());
                    return;
                }
            }
        }
    }
}

/// Marks lost the holds on the commands a renewal found no longer held.
fn lose_named(held: &[&ClaimHold], lost: &[CommandId]) {
    if lost.is_empty() {
        return;
    }
    for hold in held.iter().filter(|hold| lost.contains(&hold.command_id)) {
        tracing::warn!(
            command_id = hold.command_id.as_str(),
            fence = hold.fence.value(),
            "the command's claim was lost; the run stops before its next call"
        );
        hold.lose();
    }
}

#[cfg(test)]
mod tests;
