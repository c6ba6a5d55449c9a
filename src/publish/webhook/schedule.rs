//! When a failed delivery is tried again: Standard Webhooks' suggested schedule (5 s, 5 min,
//! 30 min, 2 h, 5 h, 10 h, then every 10 h) with ±20 % jitter, until the subscriber's retry
//! window closes.
//!
//! The jitter is drawn from the event's id and the attempt's number, so the events that failed
//! together (a receiver that was down) spread out rather than come back at once, while one
//! event's schedule stays the same whoever computes it.

use chrono::{DateTime, TimeDelta, Utc};
use sha2::{Digest, Sha256};

/// The waits after the first, second, … failed attempt; the last repeats.
const WAITS_SECONDS: [i64; 6] = [5, 5 * 60, 30 * 60, 2 * 3600, 5 * 3600, 10 * 3600];

/// The wait after the `failed`-th failed attempt (1 for the first), before jitter.
pub fn base_wait(failed: u32) -> TimeDelta {
    let index = (failed.max(1) as usize - 1).min(WAITS_SECONDS.len() - 1);
    TimeDelta::seconds(WAITS_SECONDS[index])
}

/// The wait after the `failed`-th failed attempt of event `id`, within 20 % of [`base_wait`].
pub fn wait(id: &str, failed: u32) -> TimeDelta {
    let digest = Sha256::new()
        .chain_update(id.as_bytes())
        .chain_update(failed.to_be_bytes())
        .finalize();
    // A fraction in [0, 1) from two bytes of the digest.
    let fraction = f64::from(u16::from_be_bytes([digest[0], digest[1]])) / 65_536.0;
    let factor = 0.8 + 0.4 * fraction;
    let base = base_wait(failed).num_milliseconds() as f64;
    TimeDelta::milliseconds((base * factor) as i64)
}

/// When to try again after the `failed`-th failure at `now`, or `None` when that is past
/// `retry_until`: the delivery is given up.
pub fn next_attempt(
    id: &str,
    failed: u32,
    now: DateTime<Utc>,
    retry_until: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let next = now.checked_add_signed(wait(id, failed))?;
    (next <= retry_until).then_some(next)
}

#[cfg(test)]
mod tests;
