//! A client of one org: how it is built, the views that meter a command's calls, and what it
//! can tell about itself (its budget, the calls sent, the org behind its token).
//!
//! One call's way to the org is in `call`; the typed operations (records, queries, composite,
//! collections, limits) live in their own rooms as further `impl SalesforceClient` blocks, all
//! built on `SalesforceClient::send`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use super::budget::{ApiBudget, BudgetSnapshot};
use super::halt::Halt;
use super::meter::CallMeter;
use super::path::DataPaths;
use super::slots::{CallSlots, SlotSnapshot};
use crate::clock::Clock;
use crate::config::salesforce::{ApiReserve, ApiSettings, DEFAULT_API_VERSION};
use crate::salesforce::auth::{AuthError, Authenticator, Credentials, Session, TokenCache};
use crate::telemetry::Metrics;

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
    /// This replica's share of the org-wide cap on concurrent calls, until the engine sets it
    /// from the replicas' roll call: the whole cap.
    pub concurrent_calls: usize,
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
            concurrent_calls: api.max_concurrent_calls as usize,
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
    pub(super) inner: Arc<Inner>,
    /// Where this view also counts its calls: one command's meter.
    pub(super) meter: Option<CallMeter>,
    /// The switch that stops this view's calls, when its work can be taken away mid-way.
    pub(super) halt: Option<Halt>,
}

/// What every clone and view of one client shares.
pub(super) struct Inner {
    pub(super) http: reqwest::Client,
    pub(super) tokens: TokenCache,
    pub(super) budget: ApiBudget,
    pub(super) slots: CallSlots,
    pub(super) paths: DataPaths,
    pub(super) calls: AtomicU64,
    /// Where calls are counted for `/metrics`; set once by the application.
    pub(super) metrics: OnceLock<Metrics>,
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
                slots: CallSlots::new(options.concurrent_calls),
                paths: DataPaths::new(&options.api_version),
                calls: AtomicU64::new(0),
                metrics: OnceLock::new(),
            }),
            meter: None,
            halt: None,
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
            halt: self.halt.clone(),
        }
    }

    /// A view of this client whose calls stop once `halt` is thrown: each later call ends as
    /// [`CallError::Halted`](super::CallError::Halted) before it is sent (and after any wait at
    /// the budget gate). The view keeps this one's meter.
    pub fn halted_by(&self, halt: &Halt) -> SalesforceClient {
        SalesforceClient {
            inner: self.inner.clone(),
            meter: self.meter.clone(),
            halt: Some(halt.clone()),
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

    /// Sets this replica's share of the org-wide cap on concurrent calls (at least one).
    pub fn share_concurrent_calls(&self, share: usize) {
        self.inner.slots.set_share(share);
    }

    /// This replica's share of the concurrent-call cap and the calls in flight.
    pub fn concurrent_calls(&self) -> SlotSnapshot {
        self.inner.slots.snapshot()
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
}
