//! What becomes of a command whose run failed: dead-lettered, parked until a licence frees, or
//! retried after a backoff — decided by the failure's disposition and the attempts so far.
//! Pure: the executor carries the decision out.

use std::hash::{Hash, Hasher};
use std::time::Duration;

use crate::domain::{CommandId, Refusal};
use crate::engine::apply::ApplyError;
use crate::engine::retry::RetryPolicy;
use crate::salesforce::Disposition;

/// What to do with a failed command.
#[derive(Debug, PartialEq)]
pub(super) enum Decision {
    /// Refused for good, or out of retries: the outcome keeps the refusal.
    DeadLetter(Refusal),
    /// No free licence: wait until one frees.
    Park(Refusal),
    /// Worth trying again after `delay`; the command keeps the error meanwhile.
    Retry { delay: Duration, error: Refusal },
}

/// Decides, for the attempt that just failed (counted in `attempts`).
pub(super) fn decide(
    error: &ApplyError,
    command: &CommandId,
    attempts: u32,
    retry: &RetryPolicy,
) -> Decision {
    let disposition = error.disposition();
    let refusal = error.refusal();
    match disposition {
        Disposition::Permanent => Decision::DeadLetter(refusal),
        Disposition::LicenceExhausted => Decision::Park(refusal),
        Disposition::Transient | Disposition::RateLimited | Disposition::Session => {
            if attempts >= retry.max_attempts {
                return Decision::DeadLetter(Refusal {
                    code: "RETRIES_EXHAUSTED".into(),
                    message: format!(
                        "gave up after {attempts} attempts; last error {}: {}",
                        refusal.code, refusal.message
                    ),
                    fields: refusal.fields,
                    status: refusal.status,
                });
            }
            let delay = retry.delay(attempts, disposition, jitter(command, attempts));
            Decision::Retry {
                delay,
                error: refusal,
            }
        }
    }
}

/// A stable spread in `[0, 1)` per command and attempt, so retries of many commands fan out
/// without a random source (and tests stay repeatable).
fn jitter(id: &CommandId, attempt: u32) -> f64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    id.as_str().hash(&mut hasher);
    attempt.hash(&mut hasher);
    (hasher.finish() % 10_000) as f64 / 10_000.0
}

#[cfg(test)]
mod tests;
