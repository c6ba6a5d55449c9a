//! The traffic middleware in front of the data API, and its smaller twin on the token endpoint.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, ResponseError, web};
use serde_json::json;

use super::drop::{dropped, dropped_after};
use super::script::{Call, Injected, default_message};
use super::{FaultKind, Usage, data_path, data_template, stamp};
use crate::error::ApiError;
use crate::state::Sim;

/// Counts the request in flight until it is answered (see `concurrency`). Runs after the
/// session check, in this order: URI length (`api::uri`), body size, the daily allowance (a
/// refused call is not counted), latency (a collection create's is left to its handler, see
/// [`DeferredLatency`]), scripted faults, random faults, then the handler. Every answer but a
/// dropped connection carries `Sforce-Limit-Info`.
pub async fn gate<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(sim) = req.app_data::<web::Data<Sim>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let traffic = &sim.traffic;
    let _in_flight = traffic.concurrency.enter();
    let now = sim.clock.now();
    // A URI too long for Salesforce is refused before the allowance counts the call.
    let target = req.uri().path_and_query().map_or("", |pq| pq.as_str());
    if let Err(refusal) = crate::api::uri::check(req.method(), target) {
        let usage = traffic.usage.current(now);
        return Ok(answer(req, refusal, &usage));
    }
    if declared_length(&req).is_some_and(|length| length > traffic.max_body_bytes()) {
        let usage = traffic.usage.current(now);
        return Ok(answer(req, body_too_large(), &usage));
    }
    if let Err(usage) = traffic.usage.try_count(now) {
        return Ok(answer(req, limit_exceeded(), &usage));
    }
    let draw = traffic.faults.draw();
    if defers_latency(&req) {
        req.extensions_mut().insert(DeferredLatency(draw.delay));
    } else if !draw.delay.is_zero() {
        tokio::time::sleep(draw.delay).await;
    }
    let injected = {
        let relative = data_path(req.path());
        let template = relative.and_then(data_template);
        let call = Call {
            method: req.method(),
            path: req.path(),
            data_path: relative,
            data_template: template.as_deref(),
        };
        traffic
            .scripts
            .take(&call)
            .or_else(|| draw.fault.map(random_fault))
    };
    match injected {
        Some(Injected::Drop) => Ok(dropped(req)),
        Some(Injected::Stall { generation }) => {
            traffic.scripts.stall(generation).await;
            Ok(dropped(req))
        }
        Some(Injected::DropAfter) => {
            let res = next.call(req).await?;
            Ok(dropped_after(res))
        }
        Some(Injected::Error(error)) => {
            let mut response = injected_response(&error);
            stamp(&mut response, &traffic.usage.current(now));
            Ok(req.into_response(response))
        }
        None => {
            let mut res = next.call(req).await?.map_into_boxed_body();
            let usage = traffic.usage.current(sim.clock.now());
            stamp(res.response_mut(), &usage);
            Ok(res)
        }
    }
}

/// The latency of a collection create, left for its handler to take: a create of role-based
/// users holds the group-membership lock for its whole duration, so the handler takes the
/// lock first and then the time (see `traffic::group_lock`).
#[derive(Debug, Clone, Copy)]
pub struct DeferredLatency(pub std::time::Duration);

/// `POST …/composite/sobjects`: the collection create.
fn defers_latency(req: &ServiceRequest) -> bool {
    req.method() == actix_web::http::Method::POST
        && data_path(req.path()).is_some_and(|p| p.trim_end_matches('/') == "/composite/sobjects")
}

/// Scripted faults on `/services/oauth2/*`: no allowance, no random faults (Salesforce does not
/// count logins as API calls), answered in OAuth's `{"error","error_description"}` shape.
pub async fn oauth_gate<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(sim) = req.app_data::<web::Data<Sim>>().cloned() else {
        return Ok(next.call(req).await?.map_into_boxed_body());
    };
    let injected = sim.traffic.scripts.take(&Call {
        method: req.method(),
        path: req.path(),
        data_path: None,
        data_template: None,
    });
    match injected {
        Some(Injected::Drop | Injected::Stall { .. }) => Ok(dropped(req)),
        Some(Injected::DropAfter) => Ok(dropped_after(next.call(req).await?)),
        Some(Injected::Error(error)) => {
            let first = error.errors.first();
            let body = json!({
                "error": first.map(|e| e.error_code.as_str()).unwrap_or_default(),
                "error_description": first.map(|e| e.message.as_str()).unwrap_or_default(),
            });
            Ok(req.into_response(HttpResponse::build(error.status).json(body)))
        }
        None => Ok(next.call(req).await?.map_into_boxed_body()),
    }
}

fn answer(req: ServiceRequest, error: ApiError, usage: &Usage) -> ServiceResponse<BoxBody> {
    let mut response = error.error_response();
    stamp(&mut response, usage);
    req.into_response(response)
}

/// An injected error, always with its `fields` array (empty or not), as Salesforce writes
/// errors that come from saving records.
fn injected_response(error: &ApiError) -> HttpResponse {
    let errors: Vec<_> = error
        .errors
        .iter()
        .map(|e| json!({"message": e.message, "errorCode": e.error_code, "fields": e.fields}))
        .collect();
    HttpResponse::build(error.status).json(errors)
}

fn declared_length(req: &ServiceRequest) -> Option<usize> {
    req.headers()
        .get(header::CONTENT_LENGTH)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()
}

/// Salesforce's answer once the daily allowance is spent.
pub fn limit_exceeded() -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        "REQUEST_LIMIT_EXCEEDED",
        "TotalRequests Limit exceeded.",
    )
}

fn body_too_large() -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "EXCEEDED_MAX_SIZE_REQUEST",
        "The request body is larger than the org accepts.",
    )
}

fn random_fault(kind: FaultKind) -> Injected {
    match kind {
        FaultKind::ServerUnavailable => Injected::Error(ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "SERVER_UNAVAILABLE",
            default_message("SERVER_UNAVAILABLE"),
        )),
        // Salesforce reports a lock timeout like any other failed DML: 400, no fields.
        FaultKind::UnableToLockRow => Injected::Error(ApiError::new(
            StatusCode::BAD_REQUEST,
            "UNABLE_TO_LOCK_ROW",
            default_message("UNABLE_TO_LOCK_ROW"),
        )),
        FaultKind::Drop => Injected::Drop,
    }
}
