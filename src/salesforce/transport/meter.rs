//! Counting the API calls one command spends.
//!
//! API calls are the scarce resource, so every outcome reports what it cost. A [`CallMeter`]
//! is handed to a metered view of the client (`client.metered(&meter)`); every request that
//! view sends to the data API adds one, as Salesforce counts them: a composite of 25
//! subrequests is one call, a query is one call per page, and a call retried after
//! re-authentication is two. Token requests are not API calls and are not counted; neither
//! are the `limits` polls the budget gate makes while it waits, which belong to no command.

use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

/// A shared counter of API calls. Clones count into the same total.
#[derive(Debug, Clone, Default)]
pub struct CallMeter {
    calls: Arc<AtomicU32>,
}

impl CallMeter {
    /// A meter at zero.
    pub fn new() -> Self {
        CallMeter::default()
    }

    /// Calls counted so far.
    pub fn calls(&self) -> u32 {
        self.calls.load(Ordering::SeqCst)
    }

    pub(crate) fn count_one(&self) {
        // Saturates rather than wraps: four billion calls is a bug elsewhere, not a reason to
        // report zero.
        let _ = self
            .calls
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| {
                Some(n.saturating_add(1))
            });
    }
}

#[cfg(test)]
mod tests;
