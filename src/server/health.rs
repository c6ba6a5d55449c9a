//! `GET /healthz` (the process answers) and `GET /readyz` (it can take traffic).

use actix_web::{HttpResponse, get, web};
use serde_json::json;

use super::readiness::{Readiness, Verdict};

/// Liveness: answers as long as the HTTP server runs. Never checks dependencies, so a slow
/// database does not get the process restarted.
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// Readiness: the service is not draining for shutdown, and the store answers a read and
/// commits a write within the readiness timeout. A 503 names what failed (`store`:
/// `unreachable` or `unwritable`) and why (`reason`, a fixed code, with a `detail` sentence);
/// the database's own message goes to the log only.
#[get("/readyz")]
pub async fn readyz(state: web::Data<Readiness>) -> HttpResponse {
    match state.check().await {
        Verdict::Draining => HttpResponse::ServiceUnavailable()
            .json(json!({"status": "draining", "store": "unchecked"})),
        Verdict::Ready => HttpResponse::Ok().json(json!({"status": "ready", "store": "ok"})),
        Verdict::NotReady { check, blocker } => HttpResponse::ServiceUnavailable().json(json!({
            "status": "not_ready",
            "store": check.as_str(),
            "reason": blocker.as_str(),
            "detail": blocker.detail(),
        })),
    }
}
