//! The token endpoint's failures, in OAuth's shape rather than the data API's error array.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

/// A refused token request: `400 {"error","error_description"}`. The descriptions are the ones
/// Salesforce sends, because clients (and people reading logs) match on them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[error("{error}: {error_description}")]
pub struct OAuthRefusal {
    pub error: &'static str,
    pub error_description: &'static str,
}

impl OAuthRefusal {
    const fn new(error: &'static str, error_description: &'static str) -> Self {
        OAuthRefusal {
            error,
            error_description,
        }
    }

    /// `grant_type` missing or not one the simulator supports.
    pub const UNSUPPORTED_GRANT_TYPE: Self =
        Self::new("unsupported_grant_type", "grant type not supported");
    /// No connected app has this consumer key.
    pub const UNKNOWN_CLIENT: Self = Self::new("invalid_client_id", "client identifier invalid");
    /// Wrong consumer secret, or the app has none (client credentials flow not enabled).
    pub const BAD_CLIENT_SECRET: Self = Self::new("invalid_client", "invalid client credentials");
    /// The app's "Run As" user is missing, so the client credentials flow has nobody to act as.
    pub const NO_RUN_AS_USER: Self =
        Self::new("invalid_grant", "no client credentials user enabled");
    /// The user exists but is deactivated.
    pub const INACTIVE_USER: Self = Self::new("invalid_grant", "inactive user");
    /// A JWT that does not parse, is not RS256, lacks a claim or fails its signature check.
    pub const INVALID_ASSERTION: Self = Self::new("invalid_grant", "invalid assertion");
    /// `aud` is not an audience Salesforce accepts (a My Domain URL included).
    pub const BAD_AUDIENCE: Self = Self::new("invalid_grant", "audience is invalid");
    /// `exp` is in the past; Salesforce words it as for an authorization code.
    pub const EXPIRED_ASSERTION: Self = Self::new("invalid_grant", "expired authorization code");
    /// `sub` names no user of the org (Salesforce does not say which; it blames approval).
    pub const NOT_APPROVED: Self = Self::new("invalid_grant", "user hasn't approved this consumer");
    /// `/revoke` with a token that is not live.
    pub const UNKNOWN_TOKEN: Self = Self::new("invalid_token", "invalid token");
    /// A form body too large to be a token request.
    pub const OVERSIZED_REQUEST: Self = Self::new("invalid_request", "request body too large");
}

impl ResponseError for OAuthRefusal {
    fn status_code(&self) -> StatusCode {
        StatusCode::BAD_REQUEST
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::BadRequest().json(self)
    }
}
