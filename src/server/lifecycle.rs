//! The service's own lifecycle: running, then draining for shutdown.

use std::sync::atomic::{AtomicBool, Ordering};

/// Shared flag that turns `/readyz` to 503 once shutdown begins, so load balancers stop sending
/// traffic while in-flight requests still finish.
#[derive(Debug, Default)]
pub struct Lifecycle {
    draining: AtomicBool,
}

impl Lifecycle {
    /// Marks the service as draining; irreversible.
    pub fn start_draining(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    /// Whether shutdown has begun.
    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }
}
