//! One call's way to the org: budget gate, a concurrent-call slot, token, one re-authentication on
//! `INVALID_SESSION_ID`, usage header, call counting, and errors parsed where they arrive, each
//! call in a span of its own and counted for `/metrics`.

use std::sync::atomic::Ordering;
use std::time::Instant;

use reqwest::Method;
use reqwest::header::{ACCEPT, HeaderMap};

use super::budget::ApiUsage;
use super::call_error::CallError;
use super::client::SalesforceClient;
use super::limits::OrgLimits;
use super::path::endpoint_template;
use super::request::{Answer, Request};
use super::salesforce_error::SalesforceError;
use crate::report;
use crate::salesforce::auth::Session;
use crate::salesforce::disposition::Disposition;
use crate::telemetry::events::SalesforceCall;

/// The header every data answer carries with the org's API usage.
const LIMIT_INFO: &str = "sforce-limit-info";

impl SalesforceClient {
    /// Sends one call: waits at the budget gate and for a slot under the org-wide cap on
    /// concurrent calls, then [`Self::exchange`] holding the slot — unless the view's
    /// [`Halt`](super::Halt) was thrown, before or during the waits (which can be long).
    pub(crate) async fn send(&self, request: Request) -> Result<Answer, CallError> {
        self.check_halt()?;
        self.inner.budget.wait_for_room(|| self.probe_usage()).await;
        let _slot = self.inner.slots.take().await;
        self.check_halt()?;
        self.exchange(&request, true).await
    }

    /// [`CallError::Halted`] once this view's switch is thrown.
    fn check_halt(&self) -> Result<(), CallError> {
        match &self.halt {
            Some(halt) if halt.is_thrown() => Err(CallError::Halted),
            _ => Ok(()),
        }
    }

    /// Asks the org for its usage on behalf of the budget gate: past the gate (it is the
    /// gate's own question) and not counted on any command's meter.
    async fn probe_usage(&self) -> Option<ApiUsage> {
        let request = Request::new(Method::GET, self.paths().limits());
        let limits = self.exchange(&request, false).await.and_then(|a| a.json());
        match limits {
            Ok(all) => OrgLimits::from_answer(all).api_usage(),
            Err(e) => {
                tracing::debug!(
                    error = %report::chain(&e),
                    "Salesforce API budget: the org could not tell its usage; calls keep waiting"
                );
                None
            }
        }
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
            Err(e @ (CallError::Unreadable { .. } | CallError::Undecodable { .. })) => {
                (e.answered(), None)
            }
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
        for (name, value) in &request.headers {
            builder = builder.header(*name, value);
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
