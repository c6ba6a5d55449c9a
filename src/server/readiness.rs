//! What `/readyz` decides, and how often it asks the store.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

use super::lifecycle::Lifecycle;
use crate::store::{Blocker, Check, Store};

/// How long a store check's answer is reused. `/readyz` needs no authentication and each check
/// commits a row, so a flood of probes must not become a flood of disk syncs on the writer
/// every webhook waits for: one check at a time, at most one a second.
const REUSE_FOR: Duration = Duration::from_secs(1);

/// What readiness looks at (`web::Data<Readiness>`).
pub struct Readiness {
    store: Store,
    lifecycle: Arc<Lifecycle>,
    timeout: Duration,
    /// The last store check and when it ended; the lock also makes callers that arrive during
    /// a check wait for its answer instead of starting their own.
    last: Mutex<Option<(Instant, Verdict)>>,
}

/// The answer `/readyz` gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Shutdown has begun; the store is not asked.
    Draining,
    /// The store answered a read and committed a write.
    Ready,
    /// The store failed `check` because of `blocker`.
    NotReady { check: Check, blocker: Blocker },
}

impl Readiness {
    /// Readiness over `store`, draining with `lifecycle`, each store check bounded by `timeout`.
    pub fn new(store: Store, lifecycle: Arc<Lifecycle>, timeout: Duration) -> Readiness {
        Readiness {
            store,
            lifecycle,
            timeout,
            last: Mutex::new(None),
        }
    }

    /// Draining first (it needs no store), then the store's check or one that ended within
    /// the last second.
    pub async fn check(&self) -> Verdict {
        if self.lifecycle.is_draining() {
            return Verdict::Draining;
        }
        let mut last = self.last.lock().await;
        if let Some((ended, verdict)) = *last
            && ended.elapsed() < REUSE_FOR
        {
            return verdict;
        }
        let verdict = self.check_store().await;
        *last = Some((Instant::now(), verdict));
        verdict
    }

    async fn check_store(&self) -> Verdict {
        match self.store.readiness(self.timeout).await {
            Ok(()) => Verdict::Ready,
            Err(e) => {
                tracing::warn!(error = %crate::report::chain(&e), "readiness check: store not ready");
                Verdict::NotReady {
                    check: e.check,
                    blocker: e.blocker,
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;
