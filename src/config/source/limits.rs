//! `[sources.NAME.limits]`: how fast one sender may deliver, so that a sender gone wrong (a
//! retry storm, a flood of forgeries) is answered `429` before it can starve the others.
//!
//! ```toml
//! [sources.greenhouse.limits]
//! rate_per_second = 50     # deliveries per second, on average
//! burst = 1000             # deliveries at once after a quiet spell
//! bodies_in_flight = 256   # deliveries being read and stored at the same moment
//! ```
//!
//! The limits hold per replica: with three replicas behind a load balancer a sender may reach
//! about three times the rate.

use serde::{Deserialize, Serialize};

/// The default average rate: far above what an HR system or partner portal sends.
pub const DEFAULT_RATE_PER_SECOND: f64 = 50.0;
/// The default burst: a bulk import's first seconds pass untouched.
pub const DEFAULT_BURST: u32 = 1_000;
/// The default number of bodies read and stored at once for one sender.
pub const DEFAULT_BODIES_IN_FLIGHT: u32 = 256;

/// One sender's limits; every key has a default that normal senders never meet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SourceLimits {
    /// Deliveries per second on average (a token bucket's refill); may be below 1.
    pub rate_per_second: f64,
    /// Deliveries accepted at once before the rate applies (the bucket's size).
    pub burst: u32,
    /// Deliveries whose bodies are being read, verified and stored at the same moment.
    pub bodies_in_flight: u32,
}

impl Default for SourceLimits {
    fn default() -> Self {
        SourceLimits {
            rate_per_second: DEFAULT_RATE_PER_SECOND,
            burst: DEFAULT_BURST,
            bodies_in_flight: DEFAULT_BODIES_IN_FLIGHT,
        }
    }
}

impl SourceLimits {
    /// What cannot work, as `(key, message)`; `prefix` is `sources.NAME.limits`.
    pub fn problems(&self, prefix: &str) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let rate = self.rate_per_second;
        if !rate.is_finite() || rate <= 0.0 {
            problems.push((
                format!("{prefix}.rate_per_second"),
                format!("must be a number above 0 (e.g. 0.5 for one delivery every two seconds); leave it out for the default of {DEFAULT_RATE_PER_SECOND}"),
            ));
        }
        if self.burst == 0 {
            problems.push((
                format!("{prefix}.burst"),
                format!("must be at least 1, or no delivery could ever pass; leave it out for the default of {DEFAULT_BURST}"),
            ));
        }
        if self.bodies_in_flight == 0 {
            problems.push((
                format!("{prefix}.bodies_in_flight"),
                format!("must be at least 1, or no delivery could ever pass; leave it out for the default of {DEFAULT_BODIES_IN_FLIGHT}"),
            ));
        }
        problems
    }
}
