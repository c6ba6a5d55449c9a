//! What callers asked and what they got: a bounded request log and per-endpoint call counts.

use std::collections::{BTreeMap, VecDeque};
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::{DateTime, Utc};
use parking_lot::Mutex;
use serde::Serialize;

/// Most entries kept; older ones fall off so a long run cannot exhaust memory.
pub const LOG_CAPACITY: usize = 10_000;
/// Longest body or path text kept in an entry.
pub const MAX_LOGGED_CHARS: usize = 4_096;

/// One request as the log shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoggedRequest {
    /// Increases by one per request; `GET /__sim/requests?since=N` returns those after N.
    pub seq: u64,
    /// Simulated time of arrival.
    pub time: DateTime<Utc>,
    pub method: String,
    /// Path and query as sent (cut at [`MAX_LOGGED_CHARS`]).
    pub path: String,
    /// The endpoint it counted against (`GET /sobjects/{type}/{id}`).
    pub endpoint: String,
    /// `None` when the connection was dropped.
    pub status: Option<u16>,
    #[serde(rename = "errorCode")]
    pub error_code: Option<String>,
    pub dropped: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_body: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_body: Option<String>,
}

/// Calls per endpoint, as `GET /__sim/calls` shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CallCounts {
    pub total: u64,
    pub by_endpoint: BTreeMap<String, u64>,
}

/// The log and the counts.
#[derive(Default)]
pub struct RequestLog {
    bodies: AtomicBool,
    state: Mutex<State>,
}

#[derive(Default)]
struct State {
    next_seq: u64,
    entries: VecDeque<LoggedRequest>,
    counts: BTreeMap<String, u64>,
    total: u64,
}

impl RequestLog {
    /// A log that keeps bodies (of data calls only) when `bodies` is on.
    pub fn new(bodies: bool) -> Self {
        RequestLog {
            bodies: AtomicBool::new(bodies),
            state: Mutex::default(),
        }
    }

    /// Whether bodies are kept.
    pub fn keeps_bodies(&self) -> bool {
        self.bodies.load(Ordering::Relaxed)
    }

    /// Turns keeping bodies on or off.
    pub fn keep_bodies(&self, on: bool) {
        self.bodies.store(on, Ordering::Relaxed);
    }

    /// Adds an entry (its `seq` is assigned here) and counts its endpoint.
    pub fn record(&self, mut entry: LoggedRequest) {
        let mut state = self.state.lock();
        state.next_seq += 1;
        entry.seq = state.next_seq;
        *state.counts.entry(entry.endpoint.clone()).or_default() += 1;
        state.total += 1;
        if state.entries.len() == LOG_CAPACITY {
            state.entries.pop_front();
        }
        state.entries.push_back(entry);
    }

    /// Entries after `since`, oldest first, at most `limit`.
    pub fn entries(&self, since: u64, limit: usize) -> Vec<LoggedRequest> {
        self.state
            .lock()
            .entries
            .iter()
            .filter(|e| e.seq > since)
            .take(limit)
            .cloned()
            .collect()
    }

    /// The counts so far.
    pub fn calls(&self) -> CallCounts {
        let state = self.state.lock();
        CallCounts {
            total: state.total,
            by_endpoint: state.counts.clone(),
        }
    }

    /// Forgets entries and counts (sequence numbers keep increasing).
    pub fn clear(&self) {
        let mut state = self.state.lock();
        state.entries.clear();
        state.counts.clear();
        state.total = 0;
    }
}

/// Query parameters that carry credentials: the identity service takes `oauth_token`, the
/// revoke endpoint `token`. Their values never reach the log.
const SECRET_PARAMETERS: [&str; 5] = [
    "oauth_token",
    "access_token",
    "token",
    "client_secret",
    "assertion",
];

/// A query string with the value of every credential parameter replaced by `[redacted]`;
/// everything else is kept byte for byte.
pub fn redacted_query(query: &str) -> String {
    query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, _)) if is_secret(name) => format!("{name}=[redacted]"),
            _ => pair.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn is_secret(name: &str) -> bool {
    let decoded = percent_encoding::percent_decode_str(name).decode_utf8_lossy();
    SECRET_PARAMETERS
        .iter()
        .any(|secret| decoded.eq_ignore_ascii_case(secret))
}

/// Cuts text to [`MAX_LOGGED_CHARS`] characters.
pub fn bounded(text: &str) -> String {
    match text.char_indices().nth(MAX_LOGGED_CHARS) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests;
