//! The simulator's notion of "now", which tests can stop and move.

use chrono::{DateTime, Duration, Utc};
use parking_lot::Mutex;

/// Time as the simulated org sees it. Token expiry and the rolling 24-hour API window read it,
/// so a test can move two hours ahead instead of waiting two hours. Real time until someone sets
/// it; from then on it stands still, moving only when set or advanced again, which keeps tests
/// that depend on it exact.
#[derive(Debug, Default)]
pub struct SimClock {
    fixed: Mutex<Option<DateTime<Utc>>>,
}

impl SimClock {
    /// The current simulated time.
    pub fn now(&self) -> DateTime<Utc> {
        self.fixed.lock().unwrap_or_else(Utc::now)
    }

    /// Stops time at `now`.
    pub fn set(&self, now: DateTime<Utc>) {
        *self.fixed.lock() = Some(now);
    }

    /// Moves time by `by` (negative moves it back) and stops it there; returns the new time.
    pub fn advance(&self, by: Duration) -> DateTime<Utc> {
        let mut fixed = self.fixed.lock();
        let base = fixed.unwrap_or_else(Utc::now);
        let now = base.checked_add_signed(by).unwrap_or(base);
        *fixed = Some(now);
        now
    }

    /// Lets time run with the wall clock again.
    pub fn release(&self) {
        *self.fixed.lock() = None;
    }

    /// Whether time currently stands still.
    pub fn is_fixed(&self) -> bool {
        self.fixed.lock().is_some()
    }
}

#[cfg(test)]
mod tests;
