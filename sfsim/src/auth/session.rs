//! The session check in front of the data API.

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap};
use actix_web::middleware::Next;
use actix_web::{HttpMessage, ResponseError, web};

use crate::error::ApiError;
use crate::state::Sim;

/// Salesforce's answer to a missing, expired or revoked token.
pub fn invalid_session() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "INVALID_SESSION_ID",
        "Session expired or invalid",
    )
}

/// Lets a request through only with a live `Authorization: Bearer` token (Salesforce also
/// takes the older `OAuth` scheme), and hands the [`super::Session`] to what follows through the
/// request's extensions.
pub async fn require_session<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let Some(sim) = req.app_data::<web::Data<Sim>>().cloned() else {
        return Ok(req.into_response(invalid_session().error_response()));
    };
    let session =
        bearer_token(req.headers()).and_then(|token| sim.auth.session(token, sim.clock.now()));
    match session {
        Some(session) => {
            req.extensions_mut().insert(session);
            Ok(next.call(req).await?.map_into_boxed_body())
        }
        None => {
            let mut response = invalid_session().error_response();
            sim.traffic.stamp_usage(&mut response, sim.clock.now());
            Ok(req.into_response(response))
        }
    }
}

/// The token of an `Authorization: Bearer …` (or `OAuth …`) header.
pub(crate) fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    let scheme_ok = scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("oauth");
    let token = token.trim();
    (scheme_ok && !token.is_empty()).then_some(token)
}
