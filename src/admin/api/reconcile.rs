//! `POST /v1/reconcile` (a reconciliation with the org now: a dry run unless `?apply=true`)
//! and `GET /v1/reconcile` (the last run's report).

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use serde::Deserialize;

use super::failure::store_problem;
use super::{Admin, Operator};
use crate::problem::Problem;

#[derive(Deserialize)]
pub struct RunQuery {
    #[serde(default)]
    apply: bool,
    /// Records per query batch asked of Salesforce (200 to 2,000).
    batch_size: Option<u16>,
}

/// Runs a reconciliation and answers its report.
#[post("/v1/reconcile")]
pub async fn run(
    operator: Operator,
    query: web::Query<RunQuery>,
    admin: web::Data<Admin>,
) -> Result<HttpResponse, Problem> {
    let Some(reconciler) = admin.reconciler.as_ref() else {
        return Err(Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "reconcile_unavailable",
            "Reconciliation unavailable",
            "this server was started without a connection to the org",
        ));
    };
    tracing::info!(
        actor = operator.actor,
        apply = query.apply,
        "operator started a reconciliation"
    );
    let report = reconciler
        .run(query.apply, query.batch_size, None)
        .await
        .map_err(|e| {
            tracing::warn!(error = %crate::report::chain(&e), "a reconciliation failed");
            Problem::new(
                StatusCode::BAD_GATEWAY,
                "reconcile_failed",
                "Reconciliation failed",
                format!("{}; nothing was enqueued", crate::report::chain(&e)),
            )
        })?;
    if query.apply {
        admin.worker.notify_one();
    }
    Ok(HttpResponse::Ok().json(report))
}

/// The last run's report.
#[get("/v1/reconcile")]
pub async fn last(_operator: Operator, admin: web::Data<Admin>) -> Result<HttpResponse, Problem> {
    let report = admin
        .store
        .last_reconcile_report()
        .await
        .map_err(|e| store_problem(e, "reading the last reconciliation report"))?;
    match report {
        Some(report) => Ok(HttpResponse::Ok().json(report)),
        None => Err(Problem::new(
            StatusCode::NOT_FOUND,
            "no_reconcile_report",
            "No reconciliation yet",
            "no reconciliation has run; POST /v1/reconcile runs one",
        )),
    }
}
