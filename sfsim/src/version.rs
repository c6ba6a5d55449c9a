//! Which API versions the data paths answer.

use actix_web::ResponseError;
use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

use crate::error::ApiError;

/// The newest API version (Winter '27).
pub const CURRENT_VERSION: &str = "68.0";
/// The oldest version answered: upsert's `created` flag and 200-on-update need 46.0.
pub const OLDEST_VERSION: &str = "46.0";

/// Answers `NOT_FOUND` for a version Salesforce would not know (`v12.0`, `v99.0`, `vlatest`),
/// before the session check, as Salesforce does.
pub async fn api_version_guard<B: MessageBody + 'static>(
    req: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let known = req.match_info().get("version").is_some_and(is_supported);
    if known {
        Ok(next.call(req).await?.map_into_boxed_body())
    } else {
        let error = ApiError::not_found("The requested resource does not exist");
        Ok(req.into_response(error.error_response()))
    }
}

/// `MAJOR.0` between [`OLDEST_VERSION`] and [`CURRENT_VERSION`].
pub fn is_supported(version: &str) -> bool {
    let major = |v: &str| -> Option<u32> {
        let (major, minor) = v.split_once('.')?;
        (minor == "0").then_some(())?;
        major.parse().ok()
    };
    match (
        major(version),
        major(OLDEST_VERSION),
        major(CURRENT_VERSION),
    ) {
        (Some(v), Some(oldest), Some(current)) => (oldest..=current).contains(&v),
        _ => false,
    }
}

#[cfg(test)]
mod tests;
