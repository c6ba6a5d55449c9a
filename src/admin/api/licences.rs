//! `GET /v1/licences` (the licence report, JSON or CSV) and `POST /v1/licences/reclaim` (the
//! reclaim's plan; `?apply=true` enqueues it).
//!
//! Both read the org as they answer (a few API calls, the figures of that moment). The answer
//! carries personal data (purpose, sponsor): the operators' view; the log has counts only.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};

use super::query::{QueryParams, bad_query};
use super::{Admin, Operator};
use crate::problem::Problem;
use crate::reconcile::licences::{LicenceDesk, LicencesError, to_csv};
use crate::report::chain;

/// The licence report; `?format=csv` (or `Accept: text/csv`) for CSV, JSON otherwise.
#[get("/v1/licences")]
pub async fn report(
    operator: Operator,
    request: HttpRequest,
    admin: web::Data<Admin>,
) -> Result<HttpResponse, Problem> {
    let query = QueryParams::read(&request, &["format"])?;
    let csv = match query.text("format") {
        Some("csv") => true,
        Some("json") => false,
        Some(other) => {
            return Err(bad_query(format!(
                "format '{other}' is not one of json, csv"
            )));
        }
        None => accepts_csv(&request),
    };
    let report = desk(&admin)?.report().await.map_err(failed)?;
    tracing::info!(
        licences = report.licences.len(),
        people = report.people.len(),
        org_calls = report.org_calls,
        actor = %operator.logged(),
        "licence report read"
    );
    Ok(if csv {
        HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .body(to_csv(&report))
    } else {
        HttpResponse::Ok().json(report)
    })
}

/// The reclaim's plan; `?apply=true` enqueues a deprovision per person (actor `reclaim`).
#[post("/v1/licences/reclaim")]
pub async fn reclaim(
    operator: Operator,
    request: HttpRequest,
    admin: web::Data<Admin>,
) -> Result<HttpResponse, Problem> {
    let query = QueryParams::read(&request, &["apply"])?;
    let apply = match query.text("apply") {
        None | Some("false") => false,
        Some("true") => true,
        Some(other) => return Err(bad_query(format!("apply '{other}' is not true or false"))),
    };
    let run = desk(&admin)?
        .reclaim(apply, Some(&operator.actor))
        .await
        .map_err(failed)?;
    if !run.commands.is_empty() {
        admin.worker.notify_one();
    }
    tracing::info!(
        reclaim = run.plan.reclaim.len(),
        exempt = run.plan.exempt.len(),
        enqueued = run.commands.len(),
        actor = %operator.logged(),
        "licence reclaim asked for"
    );
    Ok(HttpResponse::Ok().json(run))
}

fn accepts_csv(request: &HttpRequest) -> bool {
    request
        .headers()
        .get(actix_web::http::header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/csv"))
}

fn desk(admin: &Admin) -> Result<&LicenceDesk, Problem> {
    admin.licences.as_ref().ok_or_else(|| {
        Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "no_org",
            "No org",
            "the licence report needs the org this service provisions into; none is connected",
        )
    })
}

fn failed(error: LicencesError) -> Problem {
    tracing::warn!(error = %chain(&error), "licence report or reclaim failed");
    let status = match &error {
        LicencesError::Org(_) => StatusCode::BAD_GATEWAY,
        _ => StatusCode::SERVICE_UNAVAILABLE,
    };
    Problem::new(
        status,
        "licences_unavailable",
        "Licences unavailable",
        chain(&error).to_string(),
    )
}
