//! Deterministic faults: "fail the next N calls to this endpoint like this".

use std::time::Duration;

use actix_web::http::{Method, StatusCode};
use parking_lot::Mutex;
use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// What a script does to a call it catches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScriptKind {
    /// Answer with an error.
    #[default]
    Error,
    /// Close the connection without answering; the call is not carried out.
    Drop,
    /// Carry the call out, then close the connection before the answer: the caller cannot
    /// tell whether it happened, as when a process dies or a network fails mid-call.
    #[serde(rename = "drop_after")]
    DropAfter,
    /// Hold the call unanswered and not carried out until the scripts are cleared (or
    /// [`STALL_LIMIT`] passes), then close the connection: a caller stuck mid-call, e.g. a
    /// process about to be killed.
    Stall,
}

/// Longest a stalled call is held when nobody clears the scripts.
pub const STALL_LIMIT: Duration = Duration::from_secs(60);

/// A script as posted to `/__sim/faults/script`.
///
/// `path` is matched against the data path after `/services/data/vXX.X` — as a prefix ending at
/// a `/` (`/sobjects/User` catches `/sobjects/User/005…`) or as the route template
/// (`/sobjects/{type}/{id}`), ignoring ASCII case. A path starting with `/services/` is matched
/// against the whole path instead, which is how the token endpoint is scripted. No path
/// catches every data call; no method catches every method.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptRequest {
    pub method: Option<String>,
    pub path: Option<String>,
    /// How many calls to catch (default 1).
    pub count: Option<u32>,
    /// How many matching calls to let through untouched before catching (default 0), so a
    /// script can aim at, say, the second composite request of a sequence.
    pub skip: Option<u32>,
    #[serde(default)]
    pub kind: ScriptKind,
    /// Default: from `errorCode` (503 for `SERVER_UNAVAILABLE`, 400 for most), else 503.
    pub status: Option<u16>,
    #[serde(rename = "errorCode", alias = "error_code")]
    pub error_code: Option<String>,
    pub message: Option<String>,
    pub fields: Option<Vec<String>>,
}

/// An armed script, as listed by `GET /__sim/faults/script`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Script {
    pub id: u64,
    pub method: Option<String>,
    pub path: Option<String>,
    pub count: u32,
    /// Calls still to catch; the script is gone once this reaches 0.
    pub remaining: u32,
    /// Matching calls still to let through before the first is caught.
    pub skip: u32,
    pub kind: ScriptKind,
    pub status: u16,
    #[serde(rename = "errorCode")]
    pub error_code: String,
    pub message: String,
    pub fields: Vec<String>,
}

/// What a caught call gets instead of its real answer.
#[derive(Debug, Clone, PartialEq)]
pub enum Injected {
    Error(ApiError),
    Drop,
    DropAfter,
    /// Held until the scripts are cleared after `generation` (see [`Scripts::stall`]).
    Stall {
        generation: u64,
    },
}

/// The call being matched.
pub struct Call<'a> {
    pub method: &'a Method,
    /// The whole request path (no query).
    pub path: &'a str,
    /// For data calls: the path after `/services/data/vXX.X`.
    pub data_path: Option<&'a str>,
    /// For data calls: the route template after `/services/data/v{version}`.
    pub data_template: Option<&'a str>,
}

/// Most calls to catch with one script; more is a typo.
pub const MAX_COUNT: u32 = 1_000_000;

impl ScriptRequest {
    /// Checks the request and fills in defaults.
    pub fn arm(self, id: u64) -> Result<Script, String> {
        let count = self.count.unwrap_or(1);
        if count == 0 || count > MAX_COUNT {
            return Err(format!("count must be between 1 and {MAX_COUNT}"));
        }
        let method = match self.method {
            Some(m) => Some(
                Method::from_bytes(m.trim().to_ascii_uppercase().as_bytes())
                    .map_err(|_| format!("method {m:?} is not an HTTP method"))?
                    .to_string(),
            ),
            None => None,
        };
        if let Some(path) = self.path.as_ref().filter(|p| !p.starts_with('/')) {
            return Err(format!("path {path:?} must start with /"));
        }
        let error_code = self.error_code.unwrap_or_else(|| match self.status {
            Some(400) => "UNABLE_TO_LOCK_ROW".to_owned(),
            Some(401) => "INVALID_SESSION_ID".to_owned(),
            Some(403) => "REQUEST_LIMIT_EXCEEDED".to_owned(),
            Some(404) => "NOT_FOUND".to_owned(),
            Some(500) => "UNKNOWN_EXCEPTION".to_owned(),
            _ => "SERVER_UNAVAILABLE".to_owned(),
        });
        if error_code.trim().is_empty() {
            return Err("errorCode must not be empty".to_owned());
        }
        let status = self.status.unwrap_or_else(|| default_status(&error_code));
        if !(400..=599).contains(&status) {
            return Err(format!("status {status} is not an error status (400-599)"));
        }
        let message = self
            .message
            .unwrap_or_else(|| default_message(&error_code).to_owned());
        Ok(Script {
            id,
            method,
            path: self.path,
            count,
            remaining: count,
            skip: self.skip.unwrap_or(0),
            kind: self.kind,
            status,
            error_code,
            message,
            fields: self.fields.unwrap_or_default(),
        })
    }
}

fn default_status(error_code: &str) -> u16 {
    match error_code {
        "SERVER_UNAVAILABLE" => 503,
        "INVALID_SESSION_ID" => 401,
        "REQUEST_LIMIT_EXCEEDED" | "INSUFFICIENT_ACCESS" => 403,
        "NOT_FOUND" => 404,
        "UNKNOWN_EXCEPTION" => 500,
        _ => 400,
    }
}

/// Salesforce's wording for the codes a script is most often used for.
pub fn default_message(error_code: &str) -> &'static str {
    match error_code {
        "SERVER_UNAVAILABLE" => "Server temporarily unavailable, please try again later.",
        "UNABLE_TO_LOCK_ROW" => "unable to obtain exclusive access to this record or 1 records",
        "REQUEST_LIMIT_EXCEEDED" => "TotalRequests Limit exceeded.",
        "INVALID_SESSION_ID" => "Session expired or invalid",
        "NOT_FOUND" => "The requested resource does not exist",
        "UNKNOWN_EXCEPTION" => {
            "An unexpected error occurred. Please include this ErrorId if you contact support."
        }
        _ => "Injected failure",
    }
}

impl Script {
    fn catches(&self, call: &Call<'_>) -> bool {
        if self
            .method
            .as_ref()
            .is_some_and(|m| m != call.method.as_str())
        {
            return false;
        }
        match &self.path {
            None => call.data_path.is_some(),
            Some(pattern) if pattern.starts_with("/services/") => under(call.path, pattern),
            Some(pattern) => {
                call.data_path.is_some_and(|p| under(p, pattern))
                    || call
                        .data_template
                        .is_some_and(|t| t.eq_ignore_ascii_case(pattern))
            }
        }
    }

    fn injected(&self) -> Injected {
        match self.kind {
            ScriptKind::Drop => Injected::Drop,
            ScriptKind::DropAfter => Injected::DropAfter,
            // The generation is filled in by `Scripts::take`, under its lock.
            ScriptKind::Stall => Injected::Stall { generation: 0 },
            ScriptKind::Error => {
                let status =
                    StatusCode::from_u16(self.status).unwrap_or(StatusCode::SERVICE_UNAVAILABLE);
                Injected::Error(
                    ApiError::new(status, &self.error_code, self.message.clone())
                        .with_fields(self.fields.clone()),
                )
            }
        }
    }
}

/// `path` equals `prefix` or continues it after a `/`, ignoring ASCII case.
fn under(path: &str, prefix: &str) -> bool {
    let (p, x) = (path.as_bytes(), prefix.as_bytes());
    if p.len() < x.len() || !p[..x.len()].eq_ignore_ascii_case(x) {
        return false;
    }
    p.len() == x.len() || x.ends_with(b"/") || p[x.len()] == b'/'
}

/// Armed scripts, first armed first matched.
pub struct Scripts {
    state: Mutex<(u64, Vec<Script>)>,
    /// Counts the clearings; a stalled call waits for the count to move past the one it saw
    /// when it was caught, so a clearing can never slip between the catch and the wait.
    release: tokio::sync::watch::Sender<u64>,
}

impl Default for Scripts {
    fn default() -> Self {
        Scripts {
            state: Mutex::default(),
            release: tokio::sync::watch::channel(0).0,
        }
    }
}

impl Scripts {
    /// Arms a script; returns it with its id.
    pub fn add(&self, request: ScriptRequest) -> Result<Script, String> {
        let mut state = self.state.lock();
        let script = request.arm(state.0 + 1)?;
        state.0 += 1;
        state.1.push(script.clone());
        Ok(script)
    }

    /// Takes one use of the first script that catches `call`. Matching and counting down
    /// happen under one lock, so N concurrent calls against a script of count k see exactly
    /// k failures.
    pub fn take(&self, call: &Call<'_>) -> Option<Injected> {
        let mut state = self.state.lock();
        let index = state.1.iter().position(|s| s.catches(call))?;
        let script = &mut state.1[index];
        if script.skip > 0 {
            script.skip -= 1;
            return None;
        }
        script.remaining -= 1;
        let injected = match script.injected() {
            Injected::Stall { .. } => Injected::Stall {
                generation: *self.release.borrow(),
            },
            other => other,
        };
        if script.remaining == 0 {
            state.1.remove(index);
        }
        Some(injected)
    }

    /// The armed scripts.
    pub fn list(&self) -> Vec<Script> {
        self.state.lock().1.clone()
    }

    /// Disarms one script; `false` when there is none with this id.
    pub fn remove(&self, id: u64) -> bool {
        let mut state = self.state.lock();
        let before = state.1.len();
        state.1.retain(|s| s.id != id);
        state.1.len() != before
    }

    /// Disarms all and lets stalled calls go (their connections close unanswered); returns
    /// how many scripts there were.
    pub fn clear(&self) -> usize {
        let mut state = self.state.lock();
        let count = state.1.len();
        state.1.clear();
        self.release.send_modify(|generation| *generation += 1);
        count
    }

    /// Holds a call caught at `generation` until the scripts are cleared after it, or for
    /// [`STALL_LIMIT`].
    pub async fn stall(&self, generation: u64) {
        let mut cleared = self.release.subscribe();
        let _ = tokio::time::timeout(STALL_LIMIT, cleared.wait_for(|now| *now != generation)).await;
    }
}

#[cfg(test)]
mod tests;
