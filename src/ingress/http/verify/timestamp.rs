//! Signed timestamps and the replay window around them.
//!
//! A captured delivery stays validly signed forever; only its timestamp makes it stale. The
//! window is checked in both directions: a timestamp far ahead of our clock would otherwise
//! stay fresh for as long as it is ahead.

use chrono::{DateTime, Utc};

use super::rejection::Rejection;
use super::webhook::UnverifiedWebhook;

const UNIX_SECONDS: &str = "<unix seconds>";

/// A timestamp header as sent (the exact text is what was signed) and the instant it names.
pub(super) struct SignedTimestamp<'a> {
    pub(super) text: &'a str,
    pub(super) at: DateTime<Utc>,
}

/// Reads header `name` as whole seconds since the Unix epoch: digits only, no sign, no
/// fraction.
pub(super) fn read<'a>(
    req: &'a UnverifiedWebhook,
    name: &str,
) -> Result<SignedTimestamp<'a>, Rejection> {
    let text = req.required_text(name, UNIX_SECONDS)?;
    // 12 digits reach the year 33658; anything longer is not a timestamp and could overflow.
    if text.is_empty() || text.len() > 12 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Rejection::malformed(name, UNIX_SECONDS));
    }
    let at = text
        .parse::<i64>()
        .ok()
        .and_then(|seconds| DateTime::from_timestamp(seconds, 0))
        .ok_or_else(|| Rejection::malformed(name, UNIX_SECONDS))?;
    Ok(SignedTimestamp { text, at })
}

/// Accepts `signed` when it lies within `tolerance_seconds` of `now`, either side, bounds
/// included. Compared in whole seconds, the unit the headers carry.
pub(super) fn check_fresh(
    signed: DateTime<Utc>,
    now: DateTime<Utc>,
    tolerance_seconds: u64,
) -> Result<(), Rejection> {
    let age = now.timestamp().saturating_sub(signed.timestamp());
    let distance = age.unsigned_abs();
    if distance <= tolerance_seconds {
        Ok(())
    } else if age > 0 {
        Err(Rejection::StaleTimestamp {
            age_seconds: distance,
            tolerance_seconds,
        })
    } else {
        Err(Rejection::FutureTimestamp {
            ahead_seconds: distance,
            tolerance_seconds,
        })
    }
}

#[cfg(test)]
mod tests;
