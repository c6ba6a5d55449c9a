//! The admin API as the operators' commands call it: one request per command, answers as
//! JSON, refusals turned into messages that say what to fix.

use std::fmt;
use std::process::ExitCode;
use std::time::Duration;

use reqwest::{Method, StatusCode};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use url::Url;

use super::Remote;

/// Why an operator command did not do what it was asked; decides the exit code.
#[derive(Debug)]
pub enum Failure {
    /// The subject, command or event does not exist (exit 2).
    NotFound(String),
    /// Anything else (exit 1); the message says what to fix.
    Refused(String),
}

impl Failure {
    /// 2 for "no such thing", 1 for every other failure.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            Failure::NotFound(_) => ExitCode::from(2),
            Failure::Refused(_) => ExitCode::FAILURE,
        }
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::NotFound(message) | Failure::Refused(message) => f.write_str(message),
        }
    }
}

/// Problems whose 404 means the thing asked about does not exist (rather than "this is not a
/// Gatehouse admin API").
const NOT_FOUND_REASONS: [&str; 6] = [
    "unknown_subject",
    "no_reconcile_report",
    "unknown_org_user",
    "unknown_command",
    "unknown_event",
    "unknown_roster_run",
];

/// A running Gatehouse, reached over its admin API.
pub struct Gatehouse {
    http: reqwest::Client,
    base: Url,
    token: SecretString,
    /// Sent as `X-Gatehouse-Reason`, kept in the audit trail.
    reason: Option<String>,
}

impl Gatehouse {
    /// Checks the URL and that a token was given, before any request.
    pub fn new(remote: &Remote) -> Result<Gatehouse, Failure> {
        let base = Url::parse(&remote.url)
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https") && !url.cannot_be_a_base())
            .ok_or_else(|| {
                Failure::Refused(format!(
                    "--url '{}' is not an http(s) URL, e.g. http://127.0.0.1:8080",
                    remote.url
                ))
            })?;
        let token = remote.token.clone().ok_or_else(|| {
            Failure::Refused(
                "no admin token: set GATEHOUSE_ADMIN_TOKEN (or pass --token) to your operator token (the server's [[admin.operators]] or [admin] token)"
                    .to_owned(),
            )
        })?;
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .map_err(|e| Failure::Refused(format!("cannot set up the HTTP client: {e}")))?;
        Ok(Gatehouse {
            http,
            base,
            token,
            reason: remote.reason.clone(),
        })
    }

    /// The reason the operator gave (`--reason`).
    pub fn reason(&self) -> &Option<String> {
        &self.reason
    }

    /// `GET` the path made of `segments` (each percent-encoded) with `query`.
    pub async fn get(&self, segments: &[&str], query: &[(&str, String)]) -> Result<Value, Failure> {
        self.send(Method::GET, segments, query, None, None).await
    }

    /// `POST` with an optional JSON body.
    pub async fn post(
        &self,
        segments: &[&str],
        query: &[(&str, String)],
        body: Option<Vec<u8>>,
    ) -> Result<Value, Failure> {
        let body = body.map(|body| (body, "application/json"));
        self.send(Method::POST, segments, query, body, None).await
    }

    /// `POST` without a body, waiting up to `timeout` for the answer (a long-running action
    /// such as a reconciliation, which answers only once done).
    pub async fn post_waiting(
        &self,
        segments: &[&str],
        query: &[(&str, String)],
        timeout: Duration,
    ) -> Result<Value, Failure> {
        self.send(Method::POST, segments, query, None, Some(timeout))
            .await
    }

    /// `PUT` a body of the given media type.
    pub async fn put(
        &self,
        segments: &[&str],
        query: &[(&str, String)],
        body: Vec<u8>,
        media_type: &'static str,
    ) -> Result<Value, Failure> {
        self.send(Method::PUT, segments, query, Some((body, media_type)), None)
            .await
    }

    async fn send(
        &self,
        method: Method,
        segments: &[&str],
        query: &[(&str, String)],
        body: Option<(Vec<u8>, &'static str)>,
        timeout: Option<Duration>,
    ) -> Result<Value, Failure> {
        let mut url = self.base.clone();
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        let mut request = self
            .http
            .request(method, url.clone())
            .bearer_auth(self.token.expose_secret())
            .query(query);
        if let Some(reason) = &self.reason {
            request = request.header("x-gatehouse-reason", reason);
        }
        if let Some(timeout) = timeout {
            request = request.timeout(timeout);
        }
        if let Some((body, media_type)) = body {
            request = request.header("content-type", media_type).body(body);
        }
        let response = request.send().await.map_err(|e| {
            Failure::Refused(format!(
                "cannot reach Gatehouse at {}: {}; is it running there? (--url or GATEHOUSE_URL)",
                self.base,
                without_url(e)
            ))
        })?;
        let status = response.status();
        let text = response.text().await.map_err(|e| {
            Failure::Refused(format!(
                "the answer from {} broke off: {}",
                self.base,
                without_url(e)
            ))
        })?;
        let answer: Option<Value> = serde_json::from_str(&text).ok();
        if status.is_success() {
            return answer.ok_or_else(|| {
                Failure::Refused(format!(
                    "{} answered {status} without JSON; is --url a Gatehouse?",
                    self.base
                ))
            });
        }
        Err(refusal(status, answer.as_ref(), &self.base))
    }
}

/// A refusal, from its problem details when the server sent some.
fn refusal(status: StatusCode, problem: Option<&Value>, base: &Url) -> Failure {
    let field = |name: &str| {
        problem
            .and_then(|p| p.get(name))
            .and_then(Value::as_str)
            .map(str::to_owned)
    };
    let (Some(reason), Some(detail)) = (field("reason"), field("detail")) else {
        return Failure::Refused(format!(
            "{base} answered {status} without problem details; is --url a Gatehouse with the admin API?"
        ));
    };
    if status == StatusCode::NOT_FOUND && NOT_FOUND_REASONS.contains(&reason.as_str()) {
        return Failure::NotFound(detail);
    }
    if status == StatusCode::UNAUTHORIZED {
        return Failure::Refused(format!(
            "{detail} (check GATEHOUSE_ADMIN_TOKEN or --token against the server's [[admin.operators]] or [admin] token)"
        ));
    }
    Failure::Refused(format!("{} {reason}: {detail}", status.as_u16()))
}

/// A request error's text without the URL reqwest adds (the base is printed once already).
fn without_url(error: reqwest::Error) -> String {
    let error = error.without_url();
    match std::error::Error::source(&error) {
        Some(source) => format!("{error}: {source}"),
        None => error.to_string(),
    }
}
