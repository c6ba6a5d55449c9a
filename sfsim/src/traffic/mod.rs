//! API usage limits, injected faults and latency, and the request log.
//!
//! Everything here sits between callers and the org's handlers: [`gate`] in front of the data
//! API (after the session check), [`observe`] around every API request for the log.

mod clock;
mod concurrency;
mod drop;
mod endpoint;
mod faults;
mod gate;
mod group_lock;
mod limits;
mod log;
mod observe;
mod script;
mod usage;

use actix_web::HttpResponse;
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::web;
use chrono::{DateTime, Utc};
use std::sync::atomic::{AtomicUsize, Ordering};

pub use clock::SimClock;
pub use concurrency::{Concurrency, InFlight};
pub use drop::Dropped;
pub use endpoint::{data_template, endpoint_name};
pub use faults::{Draw, FaultKind, FaultSettings, FaultUpdate, Faults, MAX_DELAY_MS};
pub use gate::{DeferredLatency, gate, oauth_gate};
pub use group_lock::{GroupHold, GroupLock, GroupLockView};
pub use log::{CallCounts, LOG_CAPACITY, LoggedRequest, MAX_LOGGED_CHARS, RequestLog};
pub use observe::observe;
pub use script::{
    Call, Injected, MAX_COUNT, Script, ScriptKind, ScriptRequest, Scripts, default_message,
};
pub use usage::{ApiUsage, DEFAULT_DAILY_LIMIT, Usage};

/// The header Salesforce puts on every data response.
pub const LIMIT_INFO: HeaderName = HeaderName::from_static("sforce-limit-info");

/// The prefix of every versioned data path.
pub const DATA_PREFIX: &str = "/services/data/v";
/// The route template of the versioned data scope.
pub const DATA_SCOPE: &str = "/services/data/v{version}";

/// Fifty megabytes: larger request bodies are refused before any handler reads them.
pub const DEFAULT_MAX_BODY_BYTES: usize = 50 * 1024 * 1024;

/// How traffic behaves at start, and again after `/__sim/reset`.
#[derive(Debug, Clone)]
pub struct TrafficConfig {
    /// Daily API requests allowed (rolling 24 hours).
    pub daily_limit: u64,
    /// Latency, jitter, fault rates and seed.
    pub faults: FaultSettings,
    /// Keep request and response bodies of data calls in the request log.
    pub log_bodies: bool,
    /// Largest request body (by `Content-Length`) a data call may carry.
    pub max_body_bytes: usize,
}

impl Default for TrafficConfig {
    fn default() -> Self {
        TrafficConfig {
            daily_limit: DEFAULT_DAILY_LIMIT,
            faults: FaultSettings::default(),
            log_bodies: false,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

/// Traffic controls and counters.
pub struct Traffic {
    pub usage: ApiUsage,
    pub faults: Faults,
    pub scripts: Scripts,
    pub log: RequestLog,
    /// Data API requests in flight, and the peak.
    pub concurrency: Concurrency,
    /// The group-membership lock role-based user creates take.
    pub group_lock: GroupLock,
    max_body_bytes: AtomicUsize,
}

impl Default for Traffic {
    fn default() -> Self {
        Traffic::new(&TrafficConfig::default())
    }
}

impl Traffic {
    /// Fresh counters under `config`.
    pub fn new(config: &TrafficConfig) -> Self {
        Traffic {
            usage: ApiUsage::new(config.daily_limit),
            faults: Faults::new(config.faults.clone()),
            scripts: Scripts::default(),
            log: RequestLog::new(config.log_bodies),
            concurrency: Concurrency::default(),
            group_lock: GroupLock::default(),
            max_body_bytes: AtomicUsize::new(config.max_body_bytes),
        }
    }

    /// Back to `config` with nothing counted, scripted or logged.
    pub fn reset(&self, config: &TrafficConfig) {
        self.usage.reset(config.daily_limit);
        self.faults.replace(config.faults.clone());
        self.scripts.clear();
        self.log.clear();
        self.log.keep_bodies(config.log_bodies);
        self.concurrency.reset();
        self.group_lock.reset();
        self.set_max_body_bytes(config.max_body_bytes);
    }

    /// Largest request body a data call may carry.
    pub fn max_body_bytes(&self) -> usize {
        self.max_body_bytes.load(Ordering::Relaxed)
    }

    /// Changes the largest request body a data call may carry.
    pub fn set_max_body_bytes(&self, bytes: usize) {
        self.max_body_bytes.store(bytes, Ordering::Relaxed);
    }

    /// Puts `Sforce-Limit-Info` on a response, as Salesforce does on every data response.
    pub fn stamp_usage(&self, response: &mut HttpResponse, now: DateTime<Utc>) {
        let usage = self.usage.current(now);
        stamp(response, &usage);
    }
}

fn stamp(response: &mut HttpResponse, usage: &Usage) {
    if let Ok(value) = HeaderValue::from_str(&usage.header_value()) {
        response.headers_mut().insert(LIMIT_INFO, value);
    }
}

/// The data path after `/services/data/vXX.X` (`""` for the version root), or `None` when
/// `path` is not a versioned data path.
pub fn data_path(path: &str) -> Option<&str> {
    let rest = path.strip_prefix(DATA_PREFIX)?;
    Some(rest.find('/').map_or("", |at| &rest[at..]))
}

/// Registers the traffic-owned data routes (mounted inside `/services/data/v{version}`).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource(["/limits", "/limits/"]).route(web::get().to(limits::limits)));
}

#[cfg(test)]
mod tests;
