//! The URI limit: Salesforce refuses a request whose URI is longer than 16,384 bytes with
//! `414 URI Too Long` ("In each REST call, the maximum length for the combined URI and
//! headers is 16,384 bytes … If the URI itself exceeds this limit, the request returns a 414
//! URI Too Long error": Salesforce Help, "Maximum number of rows returned by SOQL queries over
//! the REST API", article 000386264). sfsim holds GETs (and HEADs) to it, sent over HTTP or as
//! a composite subrequest's `url`, measured as sent: percent-encoded, path and query.

use actix_web::http::{Method, StatusCode};

use crate::error::ApiError;

/// The longest URI Salesforce takes, in bytes as sent (percent-encoded).
pub const MAX_URI_BYTES: usize = 16_384;

/// `Err(414)` when `method` reads and `uri` (path and query, as sent) is over the limit.
pub fn check(method: &Method, uri: &str) -> Result<(), ApiError> {
    let reads = *method == Method::GET || *method == Method::HEAD;
    if reads && uri.len() > MAX_URI_BYTES {
        return Err(too_long(uri.len()));
    }
    Ok(())
}

/// Salesforce documents the status, not a body: the body is sfsim's, in Salesforce's error
/// shape so that clients which read the error list find a code.
fn too_long(length: usize) -> ApiError {
    ApiError::new(
        StatusCode::URI_TOO_LONG,
        "URI_TOO_LONG",
        format!("The request URI is {length} bytes long; the limit is {MAX_URI_BYTES} bytes."),
    )
}

#[cfg(test)]
mod tests;
