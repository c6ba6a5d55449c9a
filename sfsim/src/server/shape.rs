//! The promise that every answer has the shape its caller expects, even when a handler, an
//! extractor or the router fails, and even when a handler panics.

use std::panic::AssertUnwindSafe;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::{Method, StatusCode, header};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, HttpResponse, ResponseError};
use futures::FutureExt;
use serde_json::{Value, json};

use crate::error::ApiError;
use crate::traffic::Dropped;

/// Which caller a path belongs to, and so which error shape it gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Area {
    /// `/__sim/…`: `{"error","message"}`.
    Control,
    /// `/services/oauth2/…`: `{"error","error_description"}`.
    OAuth,
    /// `/id/…`, the identity service: one word of plain text (`Bad_OAuth_Token`).
    Identity,
    /// Everything else: Salesforce's error array.
    Api,
}

impl Area {
    fn of(path: &str) -> Self {
        if path == "/__sim" || path.starts_with("/__sim/") {
            Area::Control
        } else if path.starts_with("/services/oauth2/") {
            Area::OAuth
        } else if path.starts_with("/id/") {
            Area::Identity
        } else {
            Area::Api
        }
    }

    /// Whether a body already has this area's error shape.
    fn shaped(self, body: &[u8]) -> bool {
        let json = || serde_json::from_slice::<Value>(body).ok();
        match self {
            Area::Identity => is_identity_word(body),
            Area::Control | Area::OAuth => {
                json().is_some_and(|value| value.get("error").is_some_and(Value::is_string))
            }
            Area::Api => json().is_some_and(|value| {
                value.as_array().is_some_and(|errors| {
                    !errors.is_empty()
                        && errors.iter().all(|e| {
                            e.get("errorCode").is_some_and(Value::is_string)
                                && e.get("message").is_some_and(Value::is_string)
                        })
                })
            }),
        }
    }

    /// This area's error for a bare status.
    fn refusal(self, status: StatusCode, method: &Method, had_body: bool) -> Reshaped {
        let body = match self {
            Area::Identity => {
                let word = match status.as_u16() {
                    404 => "Bad_Id",
                    s if s >= 500 => "Internal_Error",
                    _ => "Bad_Request",
                };
                return Reshaped {
                    status,
                    body: ReshapedBody::Text(word),
                };
            }
            Area::Api => {
                let error = api_refusal(status, method, had_body);
                serde_json::to_value(&error.errors).unwrap_or(Value::Null)
            }
            Area::OAuth => json!({
                "error": if status.is_server_error() { "server_error" } else { "invalid_request" },
                "error_description": status.canonical_reason().unwrap_or("error").to_lowercase(),
            }),
            Area::Control => json!({
                "error": status.canonical_reason().unwrap_or("error").to_lowercase().replace(' ', "_"),
                "message": format!("{method} is not something this control endpoint answers ({status})"),
            }),
        };
        Reshaped {
            status,
            body: ReshapedBody::Json(body),
        }
    }
}

/// The identity service's refusals are a single word such as `Bad_OAuth_Token`.
fn is_identity_word(body: &[u8]) -> bool {
    !body.is_empty()
        && body.len() <= 64
        && body.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
}

/// An error answer rewritten into its area's shape.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{status}")]
struct Reshaped {
    status: StatusCode,
    body: ReshapedBody,
}

/// JSON for the API, OAuth and control areas; plain text for the identity service.
#[derive(Debug, Clone, PartialEq)]
enum ReshapedBody {
    Json(Value),
    Text(&'static str),
}

impl ResponseError for Reshaped {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        match &self.body {
            ReshapedBody::Json(body) => HttpResponse::build(self.status).json(body),
            ReshapedBody::Text(word) => HttpResponse::build(self.status)
                .content_type("text/plain; charset=utf-8")
                .body(*word),
        }
    }
}

/// Salesforce's code and wording for a status that reached the caller without them.
fn api_refusal(status: StatusCode, method: &Method, had_body: bool) -> ApiError {
    let (code, message) = match status.as_u16() {
        400 if had_body => (
            "JSON_PARSER_ERROR",
            "The request body could not be parsed.".to_owned(),
        ),
        400 => (
            "BAD_REQUEST",
            "The request could not be understood.".to_owned(),
        ),
        401 => (
            "INVALID_SESSION_ID",
            "Session expired or invalid".to_owned(),
        ),
        403 => (
            "INSUFFICIENT_ACCESS",
            "You do not have access to this resource.".to_owned(),
        ),
        404 => (
            "NOT_FOUND",
            "The requested resource does not exist".to_owned(),
        ),
        405 => (
            "METHOD_NOT_ALLOWED",
            format!("HTTP Method '{method}' not allowed."),
        ),
        413 => (
            "EXCEEDED_MAX_SIZE_REQUEST",
            "The request body is larger than the org accepts.".to_owned(),
        ),
        415 => (
            "UNSUPPORTED_MEDIA_TYPE",
            "The request's content type is not supported.".to_owned(),
        ),
        503 => (
            "SERVER_UNAVAILABLE",
            "Server temporarily unavailable, please try again later.".to_owned(),
        ),
        s if s >= 500 => (
            "UNKNOWN_EXCEPTION",
            "An unexpected error occurred. Please include this ErrorId if you contact support."
                .to_owned(),
        ),
        _ => (
            "BAD_REQUEST",
            "The request could not be understood.".to_owned(),
        ),
    };
    ApiError::new(status, code, message)
}

/// Rewrites any error answer (status 400 and up) that lacks its area's shape — actix's own
/// 404/405/413s, extractor failures, a panicking handler — into that shape, keeping the
/// status and headers such as `Sforce-Limit-Info`. Well-shaped answers pass untouched.
///
/// The request cannot be kept aside for building an answer after a panic (routing needs to
/// own it alone), so panics and errors that arrive as `Err` leave as a reshaped `Err`, which
/// actix turns into the response.
pub async fn salesforce_shape<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let area = Area::of(req.path());
    let method = req.method().clone();
    let had_body = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim() != "0")
        || req.headers().contains_key(header::TRANSFER_ENCODING);
    let res = match AssertUnwindSafe(next.call(req)).catch_unwind().await {
        Ok(Ok(res)) => res.map_into_boxed_body(),
        Ok(Err(error)) => {
            let response = error.error_response();
            let status = response.status();
            let bytes = actix_web::body::to_bytes(response.into_body()).await.ok();
            if bytes.is_some_and(|b| area.shaped(&b)) {
                return Err(error);
            }
            return Err(area.refusal(status, &method, had_body).into());
        }
        Err(_) => {
            tracing::error!(%method, "a handler panicked; answered 500");
            return Err(area
                .refusal(StatusCode::INTERNAL_SERVER_ERROR, &method, had_body)
                .into());
        }
    };
    if res.status().as_u16() < 400 || res.request().extensions().get::<Dropped>().is_some() {
        return Ok(res);
    }
    let (http_req, response) = res.into_parts();
    let status = response.status();
    let (head, body) = response.into_parts();
    let bytes = actix_web::body::to_bytes(body).await.ok();
    if let Some(bytes) = bytes.filter(|b| area.shaped(b)) {
        return Ok(ServiceResponse::new(
            http_req,
            head.set_body(BoxBody::new(bytes)),
        ));
    }
    let mut reshaped = area.refusal(status, &method, had_body).error_response();
    for (name, value) in head.headers() {
        if name != header::CONTENT_TYPE && name != header::CONTENT_LENGTH {
            reshaped.headers_mut().append(name.clone(), value.clone());
        }
    }
    Ok(ServiceResponse::new(http_req, reshaped))
}

#[cfg(test)]
mod tests;
