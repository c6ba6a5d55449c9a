//! How to start a simulated org.

use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::time::Duration;

use crate::tls::TlsFiles;
use crate::traffic::DEFAULT_MAX_BODY_BYTES;

/// Where the org's starting data comes from. Without one, the built-in default org.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FixtureSource {
    /// A fixture file; relative paths inside it resolve against its folder.
    File(PathBuf),
    /// Fixture text; relative paths inside it resolve against `base_dir`.
    Toml { text: String, base_dir: PathBuf },
}

/// Fractions of authenticated data calls that fail on their own, per kind of failure.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FaultRates {
    /// `503 SERVER_UNAVAILABLE`.
    pub server_unavailable: f64,
    /// `400 UNABLE_TO_LOCK_ROW`.
    pub unable_to_lock_row: f64,
    /// Connection closed without an answer.
    pub drop: f64,
}

impl FaultRates {
    /// `total` spread evenly over the three kinds (what `--fault-rate` does).
    pub fn even(total: f64) -> Self {
        let each = total / 3.0;
        FaultRates {
            server_unavailable: each,
            unable_to_lock_row: each,
            drop: each,
        }
    }
}

/// How to start a simulated org. `SimConfig::default()` is an in-process org for tests: a
/// free port on 127.0.0.1, the default org, plain HTTP, no faults.
#[derive(Debug, Clone)]
pub struct SimConfig {
    /// Address to listen on; the URLs the org hands out use 127.0.0.1 when this is unspecified.
    pub host: IpAddr,
    /// Port; 0 picks a free one.
    pub port: u16,
    /// Starting data; `None` is the built-in default org.
    pub fixture: Option<FixtureSource>,
    /// Seed of random faults and jitter; `None` picks one (shown by `GET /__sim/faults`).
    pub seed: Option<u64>,
    /// Serve HTTPS with this certificate and key.
    pub tls: Option<TlsFiles>,
    /// How long an access token lives (Salesforce's default session timeout: two hours).
    pub token_lifetime: Duration,
    /// Added to every authenticated data call.
    pub latency: Duration,
    /// A further random delay of up to this much per call.
    pub jitter: Duration,
    /// Random failures.
    pub fault_rates: FaultRates,
    /// Daily API requests allowed; `None` is Salesforce's base 100,000.
    pub daily_limit: Option<u64>,
    /// Keep request and response bodies of data calls in the request log.
    pub log_bodies: bool,
    /// Largest request body (by `Content-Length`) a data call may carry.
    pub max_body_bytes: usize,
    /// Worker threads.
    pub workers: usize,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            host: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            fixture: None,
            seed: None,
            tls: None,
            token_lifetime: Duration::from_secs(2 * 3600),
            latency: Duration::ZERO,
            jitter: Duration::ZERO,
            fault_rates: FaultRates::default(),
            daily_limit: None,
            log_bodies: false,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            workers: 2,
        }
    }
}
