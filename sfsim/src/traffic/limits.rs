//! `GET /services/data/vXX.X/limits`.

use actix_web::{HttpResponse, web};
use serde_json::json;

use crate::state::Sim;

/// The org's limits. `DailyApiRequests` is live; the other keys are there because clients
/// that read this resource expect them, with fixed values of a small org.
pub async fn limits(sim: web::Data<Sim>) -> HttpResponse {
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
