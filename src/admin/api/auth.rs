//! Who may use the admin routes: whoever presents the configured bearer token.
//!
//! The token is compared as a keyed digest (HMAC-SHA256 under a key drawn at start-up), checked
//! with the library's constant-time comparison: neither the token's bytes nor its length can be
//! learnt from how long a refusal takes.

use std::fmt;
use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::error::InternalError;
use actix_web::http::StatusCode;
use actix_web::http::header::{AUTHORIZATION, HeaderValue, WWW_AUTHENTICATE};
use actix_web::{FromRequest, HttpRequest, ResponseError, web};
use hmac::{Hmac, Mac};
use secrecy::{ExposeSecret, SecretString};
use sha2::Sha256;

use super::Admin;
use crate::problem::Problem;

/// The header an operator (or a tool acting for one) names themselves in; recorded as the
/// actor of manual commands and replays.
pub const ACTOR_HEADER: &str = "x-gatehouse-actor";

/// The actor recorded when a request names none.
const DEFAULT_ACTOR: &str = "admin";

/// Longest actor name kept.
const MAX_ACTOR_LEN: usize = 64;

/// The configured admin token, kept only as a keyed digest.
pub struct AdminToken {
    key: [u8; 32],
    digest: Vec<u8>,
}

impl AdminToken {
    /// Digests the token under a fresh random key.
    pub fn new(token: &SecretString) -> AdminToken {
        let mut key = [0u8; 32];
        key[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        key[16..].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        let digest = keyed_digest(&key, token.expose_secret().as_bytes()).unwrap_or_default();
        AdminToken { key, digest }
    }

    /// Whether `presented` is the token, in time that does not depend on where they differ.
    pub fn matches(&self, presented: &[u8]) -> bool {
        let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(&self.key) else {
            return false;
        };
        mac.update(presented);
        !self.digest.is_empty() && mac.verify_slice(&self.digest).is_ok()
    }
}

fn keyed_digest(key: &[u8], bytes: &[u8]) -> Option<Vec<u8>> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).ok()?;
    mac.update(bytes);
    Some(mac.finalize().into_bytes().to_vec())
}

impl fmt::Debug for AdminToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AdminToken(<redacted>)")
    }
}

/// An operator whose token was checked: taking one as a handler argument is what makes a
/// route an admin route.
#[derive(Debug, Clone)]
pub struct Operator {
    /// Who acts: the `X-Gatehouse-Actor` header, `admin` when absent.
    pub actor: String,
}

impl FromRequest for Operator {
    type Error = actix_web::Error;
    type Future = Ready<Result<Operator, actix_web::Error>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let result = authorize(request);
        if let Err(problem) = &result {
            // The route's pattern, not the path: a path may hold what a person typed, even
            // an email address, and log lines must not.
            let route = request.match_pattern();
            tracing::warn!(
                method = %request.method(),
                route = route.as_deref().unwrap_or("unknown"),
                status = problem.status,
                reason = problem.reason,
                "admin request refused"
            );
        }
        ready(result.map_err(|problem| {
            let mut response = problem.error_response();
            if problem.code == StatusCode::UNAUTHORIZED {
                let challenge = if problem.reason == "bad_token" {
                    "Bearer realm=\"gatehouse-admin\", error=\"invalid_token\""
                } else {
                    "Bearer realm=\"gatehouse-admin\""
                };
                response
                    .headers_mut()
                    .insert(WWW_AUTHENTICATE, HeaderValue::from_static(challenge));
            }
            InternalError::from_response(problem, response).into()
        }))
    }
}

fn authorize(request: &HttpRequest) -> Result<Operator, Problem> {
    let token = request
        .app_data::<web::Data<Admin>>()
        .and_then(|admin| admin.token.as_ref())
        .ok_or_else(|| {
            Problem::new(
                StatusCode::NOT_FOUND,
                "admin_off",
                "Admin endpoints are off",
                "the admin endpoints are off because no [admin] token is configured; set admin.token \
                 in the config (e.g. token = { env = \"GATEHOUSE_ADMIN_TOKEN\" }, at least 16 characters) \
                 and restart Gatehouse",
            )
        })?;
    let presented = bearer(request)?;
    if !token.matches(presented) {
        return Err(Problem::new(
            StatusCode::UNAUTHORIZED,
            "bad_token",
            "Not authorised",
            "the bearer token is not the configured admin token (admin.token)",
        ));
    }
    Ok(Operator {
        actor: actor(request)?,
    })
}

/// The token of an `Authorization: Bearer …` header.
fn bearer(request: &HttpRequest) -> Result<&[u8], Problem> {
    let missing = |detail: &str| {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "missing_token",
            "Not authorised",
            format!("{detail}; send \"Authorization: Bearer <admin token>\""),
        )
    };
    let mut values = request.headers().get_all(AUTHORIZATION);
    let value = values
        .next()
        .ok_or_else(|| missing("the request has no Authorization header"))?;
    if values.next().is_some() {
        return Err(missing(
            "the request has more than one Authorization header",
        ));
    }
    let bytes = value.as_bytes();
    let scheme_ok =
        bytes.len() > 7 && bytes[..6].eq_ignore_ascii_case(b"bearer") && bytes[6] == b' ';
    if !scheme_ok {
        return Err(missing(
            "the Authorization header does not carry a Bearer token",
        ));
    }
    Ok(bytes[7..].trim_ascii())
}

/// The acting operator's name. Log lines carry it, so it must not be an email address.
fn actor(request: &HttpRequest) -> Result<String, Problem> {
    let Some(value) = request.headers().get(ACTOR_HEADER) else {
        return Ok(DEFAULT_ACTOR.to_owned());
    };
    let text = value.to_str().unwrap_or("").trim();
    let fits = !text.is_empty()
        && text.len() <= MAX_ACTOR_LEN
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    if fits {
        Ok(text.to_owned())
    } else {
        Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "bad_actor",
            "Actor not usable",
            format!(
                "X-Gatehouse-Actor must be 1 to {MAX_ACTOR_LEN} letters, digits, '-', '_' or '.' \
                 (an operator's name or id, never an email address: it is written to logs)"
            ),
        ))
    }
}

#[cfg(test)]
mod tests;
