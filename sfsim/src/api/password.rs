//! `/sobjects/User/{id}/password`: reset (emails a link, returns a temporary password), set
//! (no email), and whether it has expired.

use actix_web::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::{Call, Reply};
use crate::error::ApiError;
use crate::org::Org;

/// Answers the password resource of user `segment`.
pub fn handle(org: &mut Org, call: &Call, segment: &str) -> Result<Reply, ApiError> {
    let id = org.resolve_path_id("User", segment)?;
    match call.method {
        Method::DELETE => {
            let temporary = org.reset_password(&id)?;
            Ok(Reply::json(
                StatusCode::OK,
                json!({"NewPassword": temporary}),
            ))
        }
        Method::POST => {
            let body = call.record_body()?;
            let new_password =
                body.get("NewPassword")
                    .and_then(Value::as_str)
                    .ok_or_else(|| {
                        ApiError::bad_request(
                            "JSON_PARSER_ERROR",
                            "Missing required field: NewPassword",
                        )
                    })?;
            org.set_password(&id, new_password)?;
            Ok(Reply::no_content())
        }
        _ if call.is_read() => Ok(Reply::json(
            StatusCode::OK,
            json!({"isExpired": org.password_expired(&id)?}),
        )),
        _ => Err(ApiError::method_not_allowed(
            &call.method,
            "HEAD,GET,POST,DELETE",
        )),
    }
}
