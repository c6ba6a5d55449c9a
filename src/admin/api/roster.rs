//! `PUT /v1/sources/{source}/roster`: a source's full list of current people, as CSV
//! (`text/csv`) or JSON; `?dry_run=true` reports without changing anything.
//! `GET /v1/sources/{source}/roster`: the newest run's report and the people missing now;
//! `GET /v1/sources/{source}/roster/runs/{run_id}`: one run's report.
//!
//! A roster that would remove more than the source's `max_removal_share` is answered 422 with
//! the share and the limit (and its report, verdict `refused`); nothing changed. A roster that
//! cannot be read is answered 400 naming the line or the field.

use actix_web::http::StatusCode;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::{HttpRequest, HttpResponse, get, put, web};
use serde_json::{Value, json};

use super::failure::store_problem;
use super::query::QueryParams;
use super::{Admin, Operator};
use crate::problem::Problem;
use crate::reconcile::roster::{
    RosterError, RosterFormat, RosterReport, Rosters, RunOrigin, RunRequest, Verdict, parse,
};

/// The largest roster taken: about a million people with a few fields each.
pub const MAX_ROSTER_BYTES: usize = 64 * 1024 * 1024;

/// Compares the uploaded roster with who has access from the source and acts on it.
#[put("/v1/sources/{source}/roster")]
pub async fn upload(
    operator: Operator,
    path: web::Path<String>,
    request: HttpRequest,
    payload: web::Payload,
    admin: web::Data<Admin>,
) -> Result<HttpResponse, Problem> {
    let query = QueryParams::read(&request, &["dry_run"])?;
    let dry_run = query
        .parsed("dry_run", |text| match text {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err("takes true or false"),
        })?
        .unwrap_or(false);
    let source = path.into_inner();
    let rosters = rosters(&admin, &source)?;
    let format = format(&request)?;
    let body = payload
        .to_bytes_limited(MAX_ROSTER_BYTES)
        .await
        .map_err(|_| too_large())?
        .map_err(|e| {
            Problem::new(
                StatusCode::BAD_REQUEST,
                "unreadable_body",
                "Body not readable",
                format!("the roster could not be read: {}", crate::report::chain(&e)),
            )
        })?;
    let roster = parse(&body, format).map_err(|e| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "bad_roster",
            "Roster not readable",
            format!("the roster is refused whole, nothing changed: {e}"),
        )
    })?;
    let report = rosters
        .run(&RunRequest {
            source,
            roster,
            origin: RunOrigin::Upload,
            actor: operator.actor.clone(),
            dry_run,
        })
        .await
        .map_err(run_problem)?;
    tracing::info!(
        source = report.source,
        run_id = report.run_id,
        verdict = report.verdict.as_str(),
        actor = %operator.logged(),
        "operator uploaded a roster"
    );
    if report.verdict == Verdict::Refused {
        return Ok(refused(&report));
    }
    Ok(HttpResponse::Ok().json(report))
}

/// The newest run's report and the people missing from the source's roster now.
#[get("/v1/sources/{source}/roster")]
pub async fn latest(
    _operator: Operator,
    path: web::Path<String>,
    admin: web::Data<Admin>,
) -> Result<HttpResponse, Problem> {
    let source = path.into_inner();
    let rosters = rosters(&admin, &source)?;
    let store = rosters.store();
    let runs = store
        .roster_runs(&source, 1)
        .await
        .map_err(|e| store_problem(e, "reading the roster runs"))?;
    let absences = store
        .roster_absences(&source)
        .await
        .map_err(|e| store_problem(e, "reading the roster's absences"))?;
    let last = runs.into_iter().next().map(|run| run.report);
    Ok(HttpResponse::Ok().json(json!({
        "source": source,
        "last_run": last,
        "missing": absences,
    })))
}

/// One run's report.
#[get("/v1/sources/{source}/roster/runs/{run_id}")]
pub async fn show_run(
    _operator: Operator,
    path: web::Path<(String, String)>,
    admin: web::Data<Admin>,
) -> Result<HttpResponse, Problem> {
    let (source, run_id) = path.into_inner();
    let rosters = rosters(&admin, &source)?;
    let run = rosters
        .store()
        .roster_run(&run_id)
        .await
        .map_err(|e| store_problem(e, "reading a roster run"))?
        .filter(|run| run.source == source)
        .ok_or_else(|| {
            Problem::new(
                StatusCode::NOT_FOUND,
                "unknown_roster_run",
                "Not found",
                format!("source {source} has no roster run {run_id}"),
            )
        })?;
    Ok(HttpResponse::Ok().json(run.report))
}

/// The rosters, when the source takes one.
fn rosters<'a>(admin: &'a Admin, source: &str) -> Result<&'a Rosters, Problem> {
    admin
        .rosters
        .as_deref()
        .filter(|rosters| rosters.configs().contains_key(source))
        .ok_or_else(|| {
            Problem::new(
                StatusCode::NOT_FOUND,
                "no_roster",
                "Source takes no roster",
                format!("source '{source}' takes no roster: add [sources.{source}.roster] to the config (docs/operations.md, Rosters)"),
            )
        })
}

fn format(request: &HttpRequest) -> Result<RosterFormat, Problem> {
    let content_type = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    RosterFormat::from_content_type(content_type).ok_or_else(|| {
        Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_roster_type",
            "Roster format not supported",
            format!("a roster is text/csv or application/json; the request says '{content_type}'"),
        )
    })
}

fn too_large() -> Problem {
    Problem::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "payload_too_large",
        "Body too large",
        format!("the roster exceeds {MAX_ROSTER_BYTES} bytes"),
    )
}

/// The 422 of a refused roster: the problem with the share, the limit and the report.
fn refused(report: &RosterReport) -> HttpResponse {
    let problem = Problem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "roster_refused",
        "Roster refused",
        report.reason.clone().unwrap_or_default(),
    );
    let mut body = serde_json::to_value(&problem).unwrap_or(Value::Null);
    if let Value::Object(fields) = &mut body {
        fields.insert("removal_share".to_owned(), json!(report.removal_share));
        fields.insert(
            "max_removal_share".to_owned(),
            json!(report.max_removal_share),
        );
        fields.insert("run_id".to_owned(), json!(report.run_id));
        fields.insert("report".to_owned(), json!(report));
    }
    HttpResponse::build(StatusCode::UNPROCESSABLE_ENTITY)
        .content_type("application/problem+json")
        .body(serde_json::to_vec(&body).unwrap_or_default())
}

fn run_problem(error: RosterError) -> Problem {
    match error {
        RosterError::NoRoster { .. } => Problem::new(
            StatusCode::NOT_FOUND,
            "no_roster",
            "Source takes no roster",
            error.to_string(),
        ),
        RosterError::Store { source, .. } => store_problem(source, "running the roster"),
        other => {
            tracing::error!(error = %crate::report::chain(&other), "a roster run failed");
            Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "roster_failed",
                "Roster run failed",
                "the roster run failed; the log has the cause",
            )
        }
    }
}
