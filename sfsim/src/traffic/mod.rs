//! API usage limits, injected faults and latency, and the request log.

/// Traffic controls and counters.
#[derive(Default)]
pub struct Traffic {}
