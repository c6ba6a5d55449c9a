//! The HTTP service's own settings.

use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

/// `[service]`: where Gatehouse listens and how it stops.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServiceConfig {
    /// Address the HTTP server binds, e.g. `0.0.0.0:8080` in a container.
    pub listen: SocketAddr,
    /// Largest webhook body accepted, in bytes; larger ones are refused with 413.
    pub max_body_bytes: usize,
    /// After SIGTERM, how long `/readyz` reports "draining" while requests are still served,
    /// so a load balancer stops sending before the listener closes.
    pub drain_delay_seconds: u64,
    /// How long in-flight requests may take to finish once the listener is closed.
    pub shutdown_timeout_seconds: u64,
    /// HTTP worker threads; 0 means one per CPU core.
    pub workers: usize,
    /// How long `/readyz` waits for the store to answer a read and commit a write before it
    /// answers 503 `timed_out`; keep it under the load balancer's probe timeout (Kubernetes'
    /// `timeoutSeconds`, 3 s in the manifests), so the probe gets an answer rather than a hang.
    pub readiness_timeout_ms: u64,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        ServiceConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            max_body_bytes: 256 * 1024,
            drain_delay_seconds: 0,
            shutdown_timeout_seconds: 30,
            workers: 0,
            readiness_timeout_ms: 2000,
        }
    }
}
