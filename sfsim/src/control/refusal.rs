//! How control endpoints say no: `{"error","message"}` with a 400 or 404, never a panic.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError, web};
use futures::StreamExt;
use serde::de::DeserializeOwned;
use serde_json::json;

/// Largest control body read (a big fixture fits comfortably).
pub const CONTROL_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// A refused control request.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ControlRefusal {
    /// The body or query is not what the endpoint takes; the message says why.
    #[error("{0}")]
    BadRequest(String),
    /// The thing named does not exist.
    #[error("{0}")]
    NotFound(String),
}

impl ResponseError for ControlRefusal {
    fn status_code(&self) -> StatusCode {
        match self {
            ControlRefusal::BadRequest(_) => StatusCode::BAD_REQUEST,
            ControlRefusal::NotFound(_) => StatusCode::NOT_FOUND,
        }
    }

    fn error_response(&self) -> HttpResponse {
        let error = match self {
            ControlRefusal::BadRequest(_) => "bad_request",
            ControlRefusal::NotFound(_) => "not_found",
        };
        HttpResponse::build(self.status_code()).json(json!({
            "error": error,
            "message": self.to_string(),
        }))
    }
}

/// Reads a request body up to [`CONTROL_BODY_LIMIT`].
pub async fn read_body(mut payload: web::Payload) -> Result<Vec<u8>, ControlRefusal> {
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk =
            chunk.map_err(|e| ControlRefusal::BadRequest(format!("unreadable body: {e}")))?;
        if body.len() + chunk.len() > CONTROL_BODY_LIMIT {
            return Err(ControlRefusal::BadRequest(format!(
                "body larger than {CONTROL_BODY_LIMIT} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// Reads and parses a JSON body, naming what is wrong when it does not fit `T`.
pub async fn read_json<T: DeserializeOwned>(payload: web::Payload) -> Result<T, ControlRefusal> {
    let body = read_body(payload).await?;
    serde_json::from_slice(&body)
        .map_err(|e| ControlRefusal::BadRequest(format!("invalid JSON body: {e}")))
}
