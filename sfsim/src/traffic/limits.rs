//! `GET /services/data/vXX.X/limits`.

use actix_web::{HttpMessage, HttpRequest, HttpResponse, ResponseError, web};
use serde_json::json;

use crate::access::Access;
use crate::auth::Session;
use crate::state::Sim;

/// The org's limits. `DailyApiRequests` is live; the other keys are there because clients
/// that read this resource expect them, with fixed values of a small org. The caller needs
/// API Enabled and View Setup and Configuration (Limits, REST API Developer Guide).
pub async fn limits(req: HttpRequest, sim: web::Data<Sim>) -> HttpResponse {
    if let Some(session) = req.extensions().get::<Session>() {
        let access = Access::for_user(&sim.org.lock(), &session.user_id);
        let allowed = access
            .require_api()
            .and_then(|()| access.require_resource("/limits"));
        if let Err(refusal) = allowed {
            return refusal.error_response();
        }
    }
    let usage = sim.traffic.usage.current(sim.clock.now());
    HttpResponse::Ok().json(json!({
        "ConcurrentAsyncGetReportInstances": {"Max": 200, "Remaining": 200},
        "DailyApiRequests": {"Max": usage.max, "Remaining": usage.remaining},
        "DailyAsyncApexExecutions": {"Max": 250000, "Remaining": 250000},
        "DailyBulkApiBatches": {"Max": 15000, "Remaining": 15000},
        "DataStorageMB": {"Max": 5, "Remaining": 5},
        "FileStorageMB": {"Max": 20, "Remaining": 20},
        "HourlyPublishedPlatformEvents": {"Max": 50000, "Remaining": 50000},
        "MassEmail": {"Max": 10, "Remaining": 10},
        "SingleEmail": {"Max": 15, "Remaining": 15}
    }))
}
