//! `POST /v1/webhooks/{source}`: verify, then keep durably, then answer.
//!
//! Order matters: the raw body is read (bounded), the signature is checked over exactly those
//! bytes, and only then is anything parsed. Nothing is written for a refused request; an
//! accepted one is durable in the inbox before the 202 goes out.

use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::web::{Bytes, BytesMut};
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use futures::StreamExt;
use serde_json::{Value, json};
use tracing::{Instrument, Span};

use super::state::{Ingress, Source};
use super::verify::{UnverifiedWebhook, VerifiedWebhook};
use crate::ingress::identity::{self, BodyError};
use crate::problem::Problem;
use crate::store::{KeyOrigin, NewEvent};
use crate::telemetry::Metrics;
use crate::telemetry::context;
use crate::telemetry::events::{WebhookAccepted, WebhookRefused};

/// Receives one signed delivery from a configured source, in a `webhook` span that continues
/// the sender's trace (its `traceparent` header).
#[post("/v1/webhooks/{source}")]
pub async fn receive(
    path: web::Path<String>,
    request: HttpRequest,
    payload: web::Payload,
    state: web::Data<Ingress>,
    metrics: web::Data<Metrics>,
) -> Result<HttpResponse, Problem> {
    let name = path.into_inner();
    let span = tracing::info_span!(
        "webhook",
        otel.name = "POST /v1/webhooks/{source}",
        otel.kind = "server",
        otel.status_code = tracing::field::Empty,
        http.request.method = "POST",
        http.route = "/v1/webhooks/{source}",
        http.response.status_code = tracing::field::Empty,
        source = name.as_str(),
        event_id = tracing::field::Empty,
        trace_id = tracing::field::Empty,
    );
    let incoming = request
        .headers()
        .get("traceparent")
        .and_then(|v| v.to_str().ok());
    context::continue_trace(&span, incoming);
    let result = accept(&name, &request, payload, &state, &metrics, &span)
        .instrument(span.clone())
        .await;
    match &result {
        Ok(response) => {
            span.record("http.response.status_code", response.status().as_u16());
        }
        Err(problem) => {
            span.record("http.response.status_code", problem.status);
            if problem.code.is_server_error() {
                span.record("otel.status_code", "ERROR");
            }
            span.in_scope(|| {
                WebhookRefused {
                    source: &name,
                    configured: state.sources.contains_key(&name)
                        || state.without_webhooks.contains(&name),
                    status: problem.status,
                    reason: problem.reason,
                    detail: &problem.detail,
                }
                .emit(&metrics)
            });
        }
    }
    result
}

async fn accept(
    name: &str,
    request: &HttpRequest,
    payload: web::Payload,
    state: &Ingress,
    metrics: &Metrics,
    span: &Span,
) -> Result<HttpResponse, Problem> {
    let source = source(state, name)?;
    // Held until the delivery is answered: it counts among the sender's bodies in flight.
    let _in_flight = admit(source)?;
    let body = read_body(request, payload, state.max_body_bytes).await?;
    let content_type = content_type(request);
    if !source.config.format.accepts(&content_type) {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "Unsupported content type",
            format!(
                "source '{name}' sends {}; this request has Content-Type '{content_type}'",
                source.config.format.media_type()
            ),
        ));
    }
    let unverified =
        UnverifiedWebhook::from_header_map(request.method().clone(), request.headers(), body);
    let verified = source
        .verifier
        .verify(unverified, state.clock.now())
        .map_err(|rejection| {
            Problem::new(
                StatusCode::UNAUTHORIZED,
                rejection.reason_code(),
                "Signature not verified",
                rejection.to_string(),
            )
        })?;
    let parsed = parse(source, &verified)?;
    let (dedupe_key, key_origin) = dedupe_key(source, &verified, parsed.as_ref())?;
    let source_time = identity::event_time(&source.config, &verified, parsed.as_ref());
    let event = NewEvent {
        source: name.to_owned(),
        dedupe_key,
        key_origin,
        received_at: state.clock.now(),
        source_time,
        content_type,
        // The ingress span's context, so the event's commands continue this trace.
        traceparent: Some(context::to_keep(
            span,
            verified
                .header("traceparent")
                .and_then(|v| std::str::from_utf8(v).ok()),
        )),
        body: verified.into_body().to_vec(),
    };
    let receipt = state.store.accept(event).await.map_err(|e| {
        tracing::error!(source = %name, error = %crate::report::chain(&e), "inbox write failed");
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "store_unavailable",
            "Event not stored",
            "the event could not be stored durably and was not accepted; retry later",
        )
    })?;
    let status = if receipt.duplicate {
        StatusCode::OK
    } else {
        state.intake.notify_one();
        StatusCode::ACCEPTED
    };
    span.record("event_id", receipt.event_id.as_str());
    WebhookAccepted {
        source: name,
        event_id: receipt.event_id.as_str(),
        duplicate: receipt.duplicate,
        key_origin: key_origin.as_str(),
    }
    .emit(metrics);
    // A redelivery gets the first receipt as it was: "accepted" is what Gatehouse said then,
    // and senders compare receipts. Where the event went since is on the admin API.
    Ok(HttpResponse::build(status).json(json!({
        "event_id": receipt.event_id.as_str(),
        "status": crate::store::InboxStatus::Accepted.as_str(),
    })))
}

/// Okta's one-time verification request when an event hook is registered.
#[get("/v1/webhooks/{source}")]
pub async fn okta_challenge(
    path: web::Path<String>,
    request: HttpRequest,
    state: web::Data<Ingress>,
) -> Result<HttpResponse, Problem> {
    let name = path.into_inner();
    let source = source(&state, &name)?;
    let unverified = UnverifiedWebhook::from_header_map(
        request.method().clone(),
        request.headers(),
        Bytes::new(),
    );
    match source.verifier.answer_okta_challenge(&unverified) {
        Ok(answer) => Ok(HttpResponse::Ok().json(answer)),
        Err(rejection) if !source.verifier.takes_okta_challenge() => Err(Problem::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "Method not allowed",
            format!("source '{name}' receives events with POST; {rejection}"),
        )),
        Err(rejection) => Err(Problem::new(
            StatusCode::BAD_REQUEST,
            rejection.reason_code(),
            "Verification challenge not answered",
            rejection.to_string(),
        )),
    }
}

fn source<'a>(state: &'a Ingress, name: &str) -> Result<&'a Source, Problem> {
    if state.without_webhooks.contains(name) {
        return Err(Problem::new(
            StatusCode::NOT_FOUND,
            "no_webhooks",
            "Source takes no webhooks",
            format!(
                "source '{name}' has no verification scheme, so it takes no webhooks: its events come from Kafka; to send it webhooks, configure [sources.{name}.verification]"
            ),
        ));
    }
    state.sources.get(name).ok_or_else(|| {
        Problem::new(
            StatusCode::NOT_FOUND,
            "unknown_source",
            "Unknown source",
            format!("no source named '{name}' is configured; check the URL (/v1/webhooks/SOURCE)"),
        )
    })
}

/// Lets the delivery past its sender's limits, or answers `429` with when to try again.
fn admit(source: &Source) -> Result<tokio::sync::OwnedSemaphorePermit, Problem> {
    source
        .limiter
        .admit(std::time::Instant::now())
        .map_err(|throttled| {
            Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                throttled.reason(),
                "Too many deliveries",
                format!("source '{}': {throttled}", source.name),
            )
            .retry_after(throttled.retry_after())
        })
}

fn content_type(request: &HttpRequest) -> String {
    request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned()
}

fn too_large(limit: usize) -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        "Body too large",
        format!("the body exceeds {limit} bytes, the limit for webhooks (service.max_body_bytes)"),
    )
}

/// Reads the raw body, refusing as soon as it passes the limit (and before reading at all when
/// `Content-Length` already says so).
async fn read_body(
    request: &HttpRequest,
    mut payload: web::Payload,
    limit: usize,
) -> Result<Bytes, Problem> {
    let declared = request
        .headers()
        .get(actix_web::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large(limit));
    }
    let mut body = BytesMut::with_capacity(declared.unwrap_or(0).min(limit));
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|e| {
            Problem::new(
                StatusCode::BAD_REQUEST,
                "unreadable_body",
                "Body not readable",
                format!(
                    "the request body could not be read: {}",
                    crate::report::chain(&e)
                ),
            )
        })?;
        if body.len() + chunk.len() > limit {
            return Err(too_large(limit));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// Checks the body against the source's format after verification; returns the parsed JSON
/// when the source's locators read it.
fn parse(source: &Source, webhook: &VerifiedWebhook) -> Result<Option<Value>, Problem> {
    identity::parse_body(&source.config, webhook.body()).map_err(|e| match e {
        BodyError::EmptySoap => Problem::new(
            StatusCode::BAD_REQUEST,
            "malformed_body",
            "Malformed body",
            crate::report::chain(&e).to_string(),
        ),
        BodyError::MalformedJson(_) => Problem::new(
            StatusCode::BAD_REQUEST,
            "malformed_json",
            "Malformed JSON",
            crate::report::chain(&e).to_string(),
        ),
    })
}

/// The key that makes a redelivery a duplicate (see [`identity::dedupe_key`]).
fn dedupe_key(
    source: &Source,
    webhook: &VerifiedWebhook,
    body: Option<&Value>,
) -> Result<(String, KeyOrigin), Problem> {
    identity::dedupe_key(
        &source.name,
        &source.config,
        webhook,
        body,
        webhook.body(),
        webhook.message_id(),
    )
    .map_err(|missing| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "missing_event_id",
            "Event id missing",
            missing.to_string(),
        )
    })
}

impl identity::Headers for VerifiedWebhook {
    fn header(&self, name: &str) -> Option<&[u8]> {
        VerifiedWebhook::header(self, name)
    }
}
