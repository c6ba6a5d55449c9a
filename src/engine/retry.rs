//! When to try a command again after a transient failure.

use std::time::Duration;

use crate::salesforce::Disposition;

/// Exponential backoff with jitter, and a cap on attempts after which the command is
/// dead-lettered with its last error rather than retried forever.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub base: Duration,
    pub max_delay: Duration,
    /// The daily API allowance refills over a rolling 24 hours: wait at least this long.
    pub rate_limited_delay: Duration,
    pub max_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            base: Duration::from_secs(2),
            max_delay: Duration::from_secs(600),
            rate_limited_delay: Duration::from_secs(300),
            max_attempts: 12,
        }
    }
}

impl RetryPolicy {
    /// The wait before attempt `attempts + 1`; `jitter` in `[0, 1)` spreads retries of many
    /// commands so they do not all hit the org at once.
    pub fn delay(&self, attempts: u32, disposition: Disposition, jitter: f64) -> Duration {
        let exponent = attempts.saturating_sub(1).min(20);
        let raw = self
            .base
            .saturating_mul(1u32 << exponent)
            .min(self.max_delay);
        let spread = raw.mul_f64(0.8 + 0.4 * jitter.clamp(0.0, 1.0));
        match disposition {
            Disposition::RateLimited => spread.max(self.rate_limited_delay),
            _ => spread,
        }
    }
}

#[cfg(test)]
mod tests;
