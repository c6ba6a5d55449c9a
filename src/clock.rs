//! Time as the service sees it.
//!
//! Signature schemes carry timestamps and reject deliveries that are too old or too far ahead;
//! secrets expire. Tests must be able to say what "now" is, so nothing reads the system clock
//! directly: the app holds an `Arc<dyn Clock>`, the real one in production and a
//! [`ManualClock`] in tests.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, Utc};

/// The source of "now", shared by everything that compares times.
pub trait Clock: Send + Sync + 'static {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

/// The operating system's clock: what the running service uses.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to, so tests can replay old signed deliveries and step
/// across tolerance windows and secret expiries without waiting.
///
/// Clones share one time: keep a clone in the test and hand another (as `Arc<dyn Clock>`) to
/// the app under test; moving one moves both.
#[derive(Debug, Clone)]
pub struct ManualClock {
    /// Microseconds since the Unix epoch; an atomic so no lock can be poisoned.
    micros: Arc<AtomicI64>,
}

impl ManualClock {
    /// Starts the clock at `start` (kept to microsecond precision).
    pub fn new(start: DateTime<Utc>) -> Self {
        Self {
            micros: Arc::new(AtomicI64::new(start.timestamp_micros())),
        }
    }

    /// Starts the clock at a whole number of seconds since the Unix epoch, the unit webhook
    /// timestamps are written in.
    pub fn at_unix_seconds(seconds: i64) -> Self {
        Self {
            micros: Arc::new(AtomicI64::new(seconds.saturating_mul(1_000_000))),
        }
    }

    /// Moves the clock to `instant`, forwards or backwards.
    pub fn set(&self, instant: DateTime<Utc>) {
        self.micros
            .store(instant.timestamp_micros(), Ordering::SeqCst);
    }

    /// Moves the clock by `step` (negative steps move it back).
    pub fn advance(&self, step: chrono::TimeDelta) {
        let delta = step
            .num_microseconds()
            .unwrap_or(if step < chrono::TimeDelta::zero() {
                i64::MIN
            } else {
                i64::MAX
            });
        // fetch_update cannot fail here: the closure always returns Some.
        let _ = self
            .micros
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |now| {
                Some(now.saturating_add(delta))
            });
    }

    /// A shareable handle to the same time, ready to hand to the app.
    pub fn shared(&self) -> Arc<dyn Clock> {
        Arc::new(self.clone())
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        let micros = self.micros.load(Ordering::SeqCst);
        // Out-of-range values can only come from extreme `advance` steps; pin them to the
        // representable limits rather than panic.
        DateTime::from_timestamp_micros(micros).unwrap_or(if micros < 0 {
            DateTime::<Utc>::MIN_UTC
        } else {
            DateTime::<Utc>::MAX_UTC
        })
    }
}

#[cfg(test)]
mod tests;
