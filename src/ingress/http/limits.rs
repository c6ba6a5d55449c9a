//! Per-sender limits before the inbox: a token bucket for the rate and a count of bodies in
//! flight, both per replica. A sender over either is answered `429` with `Retry-After`, before
//! its body is read, so a retry storm or a flood of forgeries to one source cannot starve the
//! others of the replica's connections, memory and store writes.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::config::SourceLimits;

/// One sender's limiter, shared by every request to its webhook.
#[derive(Debug)]
pub struct SenderLimiter {
    bucket: Mutex<Bucket>,
    rate_per_second: f64,
    burst: f64,
    bodies: Arc<Semaphore>,
    bodies_in_flight: u32,
}

/// Why a delivery was turned away, and when the sender may try again.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Throttled {
    #[error(
        "this source is limited to {rate} deliveries per second (bursts of {burst}); retry after {retry_after} s ([sources.SOURCE.limits] rate_per_second, burst)"
    )]
    Rate {
        rate: String,
        burst: u32,
        retry_after: u64,
    },
    #[error(
        "this source already has {limit} deliveries being received at once; retry after {retry_after} s ([sources.SOURCE.limits] bodies_in_flight)"
    )]
    BodiesInFlight { limit: u32, retry_after: u64 },
}

impl Throttled {
    /// Whole seconds for the `Retry-After` header, at least 1.
    pub fn retry_after(&self) -> u64 {
        match self {
            Throttled::Rate { retry_after, .. } | Throttled::BodiesInFlight { retry_after, .. } => {
                *retry_after
            }
        }
    }

    /// The problem's reason code.
    pub fn reason(&self) -> &'static str {
        match self {
            Throttled::Rate { .. } => "rate_limited",
            Throttled::BodiesInFlight { .. } => "too_many_in_flight",
        }
    }
}

/// Tokens left and when they were last counted.
#[derive(Debug)]
struct Bucket {
    tokens: f64,
    counted_at: Instant,
}

impl SenderLimiter {
    /// A full bucket at `now`.
    pub fn new(limits: &SourceLimits, now: Instant) -> SenderLimiter {
        let burst = f64::from(limits.burst.max(1));
        SenderLimiter {
            bucket: Mutex::new(Bucket {
                tokens: burst,
                counted_at: now,
            }),
            rate_per_second: limits.rate_per_second,
            burst,
            bodies: Arc::new(Semaphore::new(limits.bodies_in_flight.max(1) as usize)),
            bodies_in_flight: limits.bodies_in_flight.max(1),
        }
    }

    /// Lets one delivery in at `now`, or says why not. The permit is held until the delivery is
    /// answered; a delivery turned away for its body count takes no token.
    pub fn admit(&self, now: Instant) -> Result<OwnedSemaphorePermit, Throttled> {
        let permit = Arc::clone(&self.bodies).try_acquire_owned().map_err(|_| {
            Throttled::BodiesInFlight {
                limit: self.bodies_in_flight,
                retry_after: 1,
            }
        })?;
        self.take_token(now)?;
        Ok(permit)
    }

    fn take_token(&self, now: Instant) -> Result<(), Throttled> {
        // The lock is held for arithmetic only; a poisoned one still holds sound numbers.
        let mut bucket = self.bucket.lock().unwrap_or_else(PoisonError::into_inner);
        let elapsed = now
            .saturating_duration_since(bucket.counted_at)
            .as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.rate_per_second).min(self.burst);
        bucket.counted_at = bucket.counted_at.max(now);
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            return Ok(());
        }
        let wait = (1.0 - bucket.tokens) / self.rate_per_second;
        Err(Throttled::Rate {
            rate: self.rate_per_second.to_string(),
            burst: self.burst as u32,
            retry_after: seconds_up(wait),
        })
    }
}

/// Whole seconds, rounded up, at least 1 (a `Retry-After` of 0 invites an instant retry).
fn seconds_up(wait: f64) -> u64 {
    if wait.is_finite() && wait > 1.0 {
        wait.ceil() as u64
    } else {
        1
    }
}

#[cfg(test)]
mod tests;
