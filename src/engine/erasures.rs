//! Pending erasures, settled once their deprovision has ended: the person is erased when they
//! no longer have access, or the erasure is abandoned with why on their history.
//!
//! It looks whenever an outcome is announced (the deprovision's own ending is one) and every
//! [`EVERY`] besides, for endings written by another replica or before a restart. Each pending
//! erasure is settled in a transaction of its own that reads it again, so replicas looking at
//! once settle it once.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::store::{Settled, Store};

/// How often it looks without being woken.
pub const EVERY: Duration = Duration::from_secs(30);

/// Settles what can be settled now; logs each erasure done or abandoned.
pub async fn settle(store: &Store) {
    let settled = match store.settle_erasures().await {
        Ok(settled) => settled,
        Err(e) => {
            tracing::error!(error = %crate::report::chain(&e), "could not settle pending erasures; trying again later");
            return;
        }
    };
    for done in settled {
        match done {
            Settled::Erased(erased) => tracing::info!(
                subject_hash = erased.tombstone.key_hash,
                actor = erased.tombstone.actor,
                "subject erased after their deprovision"
            ),
            Settled::Abandoned { subject, why } => tracing::warn!(
                subject_hash = crate::store::key_hash(&subject),
                why,
                "pending erasure abandoned"
            ),
        }
    }
}

/// Settles at start, after every announcement and every [`EVERY`], until cancelled.
pub async fn run(store: Store, cancel: CancellationToken) {
    let mut announcements = store.outbox_announcements();
    loop {
        settle(&store).await;
        tokio::select! {
            _ = cancel.cancelled() => break,
            changed = announcements.changed() => {
                if changed.is_err() {
                    break;
                }
            }
            _ = tokio::time::sleep(EVERY) => {}
        }
    }
}
