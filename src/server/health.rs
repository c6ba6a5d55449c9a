//! `GET /healthz` (the process answers) and `GET /readyz` (it can take traffic).

use actix_web::{HttpResponse, get, web};
use serde_json::json;

use std::sync::Arc;

use super::lifecycle::Lifecycle;
use crate::store::Store;

/// What readiness looks at (`web::Data<Readiness>`).
pub struct Readiness {
    pub store: Store,
    pub lifecycle: Arc<Lifecycle>,
}

/// Liveness: answers as long as the HTTP server runs. Never checks dependencies, so a slow
/// database does not get the process restarted.
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(json!({"status": "ok"}))
}

/// Readiness: the store answers and the service is not draining for shutdown.
#[get("/readyz")]
pub async fn readyz(state: web::Data<Readiness>) -> HttpResponse {
    if state.lifecycle.is_draining() {
        return HttpResponse::ServiceUnavailable()
            .json(json!({"status": "draining", "store": "unchecked"}));
    }
    match state.store.ping().await {
        Ok(()) => HttpResponse::Ok().json(json!({"status": "ready", "store": "ok"})),
        Err(e) => {
            tracing::warn!(error = %crate::report::chain(&e), "readiness check: store unreachable");
            HttpResponse::ServiceUnavailable()
                .json(json!({"status": "not_ready", "store": "unreachable"}))
        }
    }
}
