//! The HTTP core every Salesforce call goes through: budget gate, token, one re-authentication
//! on `INVALID_SESSION_ID`, usage header, call counting, and errors parsed where they arrive.
//!
//! The typed operations (records, queries, composite, collections) live in their own modules
//! as further `impl SalesforceClient` blocks, all built on [`SalesforceClient::send`].

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use reqwest::Method;
use reqwest::header::{ACCEPT, HeaderMap};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::auth::{AuthError, Authenticator, Credentials, Session};
use super::budget::{ApiBudget, ApiUsage, BudgetSnapshot};
use super::error::{Disposition, SalesforceError, raw_text};
use super::failure::CallError;
use super::limits::OrgLimits;
use super::meter::CallMeter;
use super::path::{DataPaths, endpoint_template};
use super::token::TokenCache;
use crate::clock::Clock;
use crate::config::salesforce::{ApiReserve, ApiSettings, DEFAULT_API_VERSION};
use crate::telemetry::Metrics;
use crate::telemetry::events::SalesforceCall;

/// The header every data answer carries with the org's API usage.
const LIMIT_INFO: &str = "sforce-limit-info";

/// How the client talks to the org.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientOptions {
    /// REST API version, e.g. `68.0`.
    pub api_version: String,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    /// Calls of the daily allowance never spent.
    pub reserve: ApiReserve,
    /// First interval between `limits` polls while the gate is closed.
    pub limits_poll: Duration,
    /// Longest interval between them.
    pub limits_poll_max: Duration,
}

impl ClientOptions {
    /// Options from the `[salesforce.api]` settings.
    pub fn from_settings(api_version: &str, api: &ApiSettings) -> Self {
        ClientOptions {
            api_version: api_version.to_owned(),
            connect_timeout: api.connect_timeout(),
            request_timeout: api.request_timeout(),
            reserve: api.reserve,
            limits_poll: Duration::from_secs(api.limits_poll_seconds),
            limits_poll_max: Duration::from_secs(api.limits_poll_max_seconds),
        }
    }
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions::from_settings(DEFAULT_API_VERSION, &ApiSettings::default())
    }
}

/// A client of one org. Cheap to clone; clones share the token, the budget and the counters.
#[derive(Clone)]
pub struct SalesforceClient {
    inner: Arc<Inner>,
    meter: Option<CallMeter>,
}

struct Inner {
    http: reqwest::Client,
    tokens: TokenCache,
    budget: ApiBudget,
    paths: DataPaths,
    calls: AtomicU64,
    /// Where calls are counted for `/metrics`; set once by the application.
    metrics: OnceLock<Metrics>,
}

/// The org behind a token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgIdentity {
    /// Where data calls go.
    pub instance_url: String,
    /// The org's id, from the token's identity URL (`…/id/{orgId}/{userId}`).
    pub org_id: Option<String>,
    /// The integration user's id, from the same URL.
    pub user_id: Option<String>,
}

impl OrgIdentity {
    fn of(session: &Session) -> Self {
        let mut tail = session.identity.trim_end_matches('/').rsplit('/');
        let user_id = tail.next().filter(|s| !s.is_empty()).map(str::to_owned);
        let org_id = tail.next().filter(|s| !s.is_empty()).map(str::to_owned);
        let well_formed = tail.next() == Some("id");
        OrgIdentity {
            instance_url: session.instance_url.clone(),
            org_id: org_id.filter(|_| well_formed),
            user_id: user_id.filter(|_| well_formed),
        }
    }
}

/// A request about to be sent.
pub(crate) struct Request {
    pub method: Method,
    /// Path on the instance, starting with `/services/`; pieces from data already encoded.
    pub path: String,
    pub query: Vec<(&'static str, String)>,
    pub body: Option<Value>,
}

impl Request {
    pub fn new(method: Method, path: String) -> Self {
        Request {
            method,
            path,
            query: Vec::new(),
            body: None,
        }
    }

    pub fn query(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.query.push((name, value.into()));
        self
    }

    pub fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }
}

/// A successful answer (status below 400).
pub(crate) struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as `T`, or [`CallError::Unreadable`] naming what did not fit.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, CallError> {
        serde_json::from_slice(&self.body).map_err(|e| CallError::Unreadable {
            status: self.status,
            detail: format!("{e}: {}", raw_text(&self.body)),
        })
    }

    /// An answer with a status the operation does not expect.
    pub fn unexpected(&self) -> CallError {
        CallError::Unreadable {
            status: self.status,
            detail: format!("unexpected status; body: {}", raw_text(&self.body)),
        }
    }
}

impl SalesforceClient {
    /// A client that authenticates at `login_url` with `credentials`. Nothing is sent until
    /// the first call (or [`SalesforceClient::authenticate`]).
    pub fn new(
        login_url: &str,
        credentials: Credentials,
        options: ClientOptions,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, reqwest::Error> {
        let http = reqwest::Client::builder()
            .use_rustls_tls()
            .connect_timeout(options.connect_timeout)
            .timeout(options.request_timeout)
            .user_agent(concat!("gatehouse/", env!("CARGO_PKG_VERSION")))
            // Salesforce never redirects API calls; following one would carry the token away.
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let authenticator = Authenticator::new(http.clone(), login_url, credentials, clock);
        Ok(SalesforceClient {
            inner: Arc::new(Inner {
                http,
                tokens: TokenCache::new(authenticator),
                budget: ApiBudget::new(
                    options.reserve,
                    options.limits_poll,
                    options.limits_poll_max,
                ),
                paths: DataPaths::new(&options.api_version),
                calls: AtomicU64::new(0),
                metrics: OnceLock::new(),
            }),
            meter: None,
        })
    }

    /// Gets a token now, so a wrong configuration shows at start-up rather than at the first
    /// command. Not an API call.
    pub async fn authenticate(&self) -> Result<(), AuthError> {
        self.inner.tokens.session().await.map(|_| ())
    }

    /// A view of this client that also counts its calls into `meter`. Give each command its
    /// own meter; the view shares everything else with this client.
    pub fn metered(&self, meter: &CallMeter) -> SalesforceClient {
        SalesforceClient {
            inner: self.inner.clone(),
            meter: Some(meter.clone()),
        }
    }

    /// Counts every call this client and its views send into `metrics` (the first registry
    /// given wins: one application, one registry).
    pub fn report_to(&self, metrics: &Metrics) {
        let _ = self.inner.metrics.set(metrics.clone());
    }

    /// The org's API budget as last seen, for metrics.
    pub fn budget(&self) -> BudgetSnapshot {
        self.inner.budget.snapshot()
    }

    /// Data API calls this client and all its views sent, budget polls included.
    pub fn calls_sent(&self) -> u64 {
        self.inner.calls.load(Ordering::SeqCst)
    }

    /// Times the client went to the token endpoint.
    pub fn token_requests(&self) -> u64 {
        self.inner.tokens.token_requests()
    }

    /// Which org and user the current token belongs to (authenticating first if needed): for
    /// the start-up log line and for checks that the right org is configured.
    pub async fn identity(&self) -> Result<OrgIdentity, AuthError> {
        let session = self.inner.tokens.session().await?;
        Ok(OrgIdentity::of(&session))
    }

    pub(crate) fn paths(&self) -> &DataPaths {
        &self.inner.paths
    }

    /// Sends one call: waits at the budget gate, then [`Self::exchange`].
    pub(crate) async fn send(&self, request: Request) -> Result<Answer, CallError> {
        self.inner.budget.wait_for_room(|| self.probe_usage()).await;
        self.exchange(&request, true).await
    }

    /// Asks the org for its usage on behalf of the budget gate: past the gate (it is the
    /// gate's own question) and not counted on any command's meter.
    async fn probe_usage(&self) -> Option<ApiUsage> {
        let request = Request::new(Method::GET, self.paths().limits());
        let answer = self.exchange(&request, false).await.ok()?;
        OrgLimits::from_answer(answer.json().ok()?).api_usage()
    }

    /// Sends with the current token; on `INVALID_SESSION_ID` renews it (once for all callers
    /// that saw it expire) and sends once more.
    async fn exchange(&self, request: &Request, metered: bool) -> Result<Answer, CallError> {
        let session = self.inner.tokens.session().await?;
        match self.attempt(request, &session, metered).await {
            Err(CallError::Refused(e)) if e.disposition() == Disposition::Session => {
                tracing::info!(
                    token = session.generation,
                    "Salesforce session expired or was revoked; renewing the token once"
                );
                let fresh = self.inner.tokens.renew(&session).await?;
                self.attempt(request, &fresh, metered).await
            }
            other => other,
        }
    }

    /// One HTTP request, in a `salesforce` span of its own (a child of the command's span):
    /// method, endpoint template, status and errorCode. Never the URL's ids or the SOQL text,
    /// which can hold personal data.
    async fn attempt(
        &self,
        request: &Request,
        session: &Session,
        metered: bool,
    ) -> Result<Answer, CallError> {
        use tracing::Instrument;
        let endpoint = endpoint_template(&request.path);
        let method = request.method.as_str();
        let span = tracing::info_span!(
            "salesforce",
            otel.name = %format!("{method} {endpoint}"),
            otel.kind = "client",
            otel.status_code = tracing::field::Empty,
            http.request.method = method,
            url.template = endpoint.as_str(),
            http.response.status_code = tracing::field::Empty,
            salesforce.error_code = tracing::field::Empty,
        );
        let started = Instant::now();
        let result = self
            .send_once(request, session, metered)
            .instrument(span.clone())
            .await;
        let (status, error_code) = match &result {
            Ok(answer) => (Some(answer.status), None),
            Err(CallError::Refused(e)) => (e.status, Some(label_code(&e.code))),
            Err(CallError::Unreadable { status, .. }) => (Some(*status), None),
            Err(other) => (None, Some(label_code(other.code()))),
        };
        if let Some(status) = status {
            span.record("http.response.status_code", status);
        }
        if let Some(code) = error_code {
            span.record("salesforce.error_code", code);
        }
        if result.is_err() {
            span.record("otel.status_code", "ERROR");
        }
        if let Some(metrics) = self.inner.metrics.get() {
            span.in_scope(|| {
                SalesforceCall {
                    method,
                    endpoint: &endpoint,
                    status,
                    error_code,
                    elapsed: started.elapsed(),
                }
                .emit(metrics)
            });
        }
        result
    }

    async fn send_once(
        &self,
        request: &Request,
        session: &Session,
        metered: bool,
    ) -> Result<Answer, CallError> {
        use secrecy::ExposeSecret;
        let url = format!("{}{}", session.instance_url, request.path);
        let mut builder = self
            .inner
            .http
            .request(request.method.clone(), url)
            .bearer_auth(session.access_token.expose_secret())
            .header(ACCEPT, "application/json");
        if !request.query.is_empty() {
            builder = builder.query(&request.query);
        }
        if let Some(body) = &request.body {
            builder = builder.json(body);
        }
        let response = match builder.send().await {
            Ok(response) => response,
            Err(e) => {
                // A connection never made never reached Salesforce; anything later might have.
                if !e.is_connect() {
                    self.count(metered);
                }
                return Err(CallError::transport(e));
            }
        };
        self.count(metered);
        self.observe_usage(response.headers());
        let status = response.status().as_u16();
        let body = response
            .bytes()
            .await
            .map_err(CallError::transport)?
            .to_vec();
        if status >= 400 {
            let error = SalesforceError::from_answer(status, &body);
            if error.disposition() == Disposition::RateLimited {
                self.inner.budget.throttle();
            }
            return Err(error.into());
        }
        Ok(Answer { status, body })
    }

    fn count(&self, metered: bool) {
        self.inner.calls.fetch_add(1, Ordering::SeqCst);
        if let (true, Some(meter)) = (metered, &self.meter) {
            meter.count_one();
        }
    }

    fn observe_usage(&self, headers: &HeaderMap) {
        let usage = headers
            .get(LIMIT_INFO)
            .and_then(|v| v.to_str().ok())
            .and_then(ApiUsage::from_header);
        if let Some(usage) = usage {
            self.inner.budget.observe(usage);
        }
    }
}

/// An error code as a metric label: Salesforce's codes are SCREAMING_SNAKE_CASE; anything else
/// (an answer Gatehouse could not read) is counted as one value, so labels stay few.
fn label_code(code: &str) -> &str {
    let plain = !code.is_empty()
        && code.len() <= 64
        && code
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    if plain { code } else { "OTHER" }
}
