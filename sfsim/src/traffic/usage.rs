//! The daily API request allowance, counted over a rolling 24 hours.

use chrono::{DateTime, Utc};
use parking_lot::Mutex;
use serde::Serialize;

/// Salesforce's base daily allowance before per-licence additions.
pub const DEFAULT_DAILY_LIMIT: u64 = 100_000;

const MINUTES_PER_DAY: i64 = 24 * 60;

/// Where the allowance stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Usage {
    pub used: u64,
    pub max: u64,
    pub remaining: u64,
}

impl Usage {
    fn new(used: u64, max: u64) -> Self {
        Usage {
            used,
            max,
            remaining: max.saturating_sub(used),
        }
    }

    /// The `Sforce-Limit-Info` header value.
    pub fn header_value(&self) -> String {
        format!("api-usage={}/{}", self.used, self.max)
    }
}

/// Calls per minute over the last day. Per-minute buckets keep the window rolling (a call
/// stops counting 24 hours after it was made, as Salesforce's does) at a fixed memory cost.
pub struct ApiUsage {
    window: Mutex<Window>,
}

struct Window {
    max: u64,
    /// (minute since the epoch, calls in it), oldest first.
    buckets: Vec<(i64, u64)>,
}

impl Window {
    fn used(&mut self, now: DateTime<Utc>) -> u64 {
        let cutoff = minute(now) - MINUTES_PER_DAY;
        self.buckets.retain(|(m, _)| *m > cutoff);
        self.buckets.iter().map(|(_, n)| n).sum()
    }

    fn add(&mut self, now: DateTime<Utc>, calls: u64) {
        let m = minute(now);
        match self.buckets.iter_mut().find(|(bucket, _)| *bucket == m) {
            Some((_, n)) => *n = n.saturating_add(calls),
            None => self.buckets.push((m, calls)),
        }
    }
}

fn minute(t: DateTime<Utc>) -> i64 {
    t.timestamp().div_euclid(60)
}

impl ApiUsage {
    /// An unused allowance of `max` calls a day.
    pub fn new(max: u64) -> Self {
        ApiUsage {
            window: Mutex::new(Window {
                max,
                buckets: Vec::new(),
            }),
        }
    }

    /// Counts one call if the allowance has room; either way returns where it stands after.
    /// Checking and counting under one lock keeps concurrent calls from overspending it.
    pub fn try_count(&self, now: DateTime<Utc>) -> Result<Usage, Usage> {
        let mut window = self.window.lock();
        let used = window.used(now);
        if used >= window.max {
            return Err(Usage::new(used, window.max));
        }
        window.add(now, 1);
        Ok(Usage::new(used + 1, window.max))
    }

    /// Where the allowance stands at `now`.
    pub fn current(&self, now: DateTime<Utc>) -> Usage {
        let mut window = self.window.lock();
        let used = window.used(now);
        Usage::new(used, window.max)
    }

    /// Changes the allowance and/or what has been used of it. A given `used` replaces the
    /// window's history with that many calls made at `now`.
    pub fn set(&self, max: Option<u64>, used: Option<u64>, now: DateTime<Utc>) -> Usage {
        let mut window = self.window.lock();
        if let Some(max) = max {
            window.max = max;
        }
        if let Some(used) = used {
            window.buckets.clear();
            if used > 0 {
                window.add(now, used);
            }
        }
        let used = window.used(now);
        Usage::new(used, window.max)
    }

    /// Back to an unused allowance of `max`.
    pub fn reset(&self, max: u64) {
        let mut window = self.window.lock();
        window.max = max;
        window.buckets.clear();
    }
}

#[cfg(test)]
mod tests;
