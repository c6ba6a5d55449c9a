//! Data API requests in flight at once, and the most there have been: Salesforce limits the
//! long-running requests an org runs concurrently (25 in a production org), so a client that
//! shares the org with others is judged by the peak it reaches.

use std::sync::atomic::{AtomicUsize, Ordering};

/// Requests in flight now and the peak since the last reset.
#[derive(Debug, Default)]
pub struct Concurrency {
    in_flight: AtomicUsize,
    peak: AtomicUsize,
}

/// One request in flight; counted out on drop.
pub struct InFlight<'a> {
    concurrency: &'a Concurrency,
}

impl Concurrency {
    /// Counts a request in until the answer is dropped.
    pub fn enter(&self) -> InFlight<'_> {
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        InFlight { concurrency: self }
    }

    /// Requests in flight now.
    pub fn in_flight(&self) -> usize {
        self.in_flight.load(Ordering::SeqCst)
    }

    /// The most requests in flight at once since the start or the last reset.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    /// Forgets the peak (requests in flight stay counted).
    pub fn reset(&self) {
        self.peak.store(self.in_flight(), Ordering::SeqCst);
    }
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.concurrency.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}
