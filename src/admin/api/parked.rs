//! `POST /v1/parked/resume`: commands parked on `LICENSE_LIMIT_EXCEEDED` run again.
//!
//! A deactivation that frees a licence resumes its waiters by itself; this is for the cases
//! Gatehouse cannot see — licences bought, or users deactivated by hand in Salesforce.

use actix_web::{HttpRequest, HttpResponse, post, web};
use serde_json::json;

use super::failure::store_problem;
use super::query::QueryParams;
use super::{Admin, Operator};
use crate::problem::Problem;

/// Queues the commands parked on `?licence=` (every parked command when absent), due now.
/// Answers how many; a command that still finds no licence parks again.
#[post("/v1/parked/resume")]
pub async fn resume(
    operator: Operator,
    request: HttpRequest,
    admin: web::Data<Admin>,
) -> Result<HttpResponse, Problem> {
    let query = QueryParams::read(&request, &["licence"])?;
    let licence = query.text("licence");
    let resumed = admin
        .store
        .unpark(licence)
        .await
        .map_err(|e| store_problem(e, "resuming parked commands"))?;
    if resumed > 0 {
        admin.worker.notify_one();
    }
    tracing::info!(
        licence = licence.unwrap_or("any"),
        resumed,
        actor = %operator.logged(),
        "operator resumed parked commands"
    );
    Ok(HttpResponse::Ok().json(json!({ "resumed": resumed, "licence": licence })))
}
