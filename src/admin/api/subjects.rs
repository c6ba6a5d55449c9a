//! `GET /v1/subjects` and `GET /v1/subjects/{key}`: the lifecycle records.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};

use super::failure::store_problem;
use super::page::Page;
use super::query::QueryParams;
use super::{Admin, Operator};
use crate::domain::SubjectKey;
use crate::problem::Problem;
use crate::store::{SubjectFilter, SubjectState};

const STATES: &[&str] = &[
    "provisioned",
    "frozen",
    "deactivated",
    "disabled",
    "unknown",
];

/// One page of records in key order, without history: `?state&limit&after`.
#[get("/v1/subjects")]
pub async fn list(
    _operator: Operator,
    request: HttpRequest,
    admin: web::Data<Admin>,
) -> Result<HttpResponse, Problem> {
    let query = QueryParams::read(&request, &["state", "limit", "after"])?;
    let filter = SubjectFilter {
        state: query.choice::<SubjectState>("state", STATES)?,
        limit: query.limit(100, SubjectFilter::MAX_LIMIT)?,
        after: query.parsed("after", SubjectKey::parse)?,
    };
    let records = admin
        .store
        .list_subjects(&filter)
        .await
        .map_err(|e| store_problem(e, "listing subjects"))?;
    let page = Page::new(records, filter.limit, |r| r.subject_key.to_string());
    Ok(HttpResponse::Ok().json(page))
}

/// A subject's lifecycle record with every command, outcome and operator action, oldest first.
#[get("/v1/subjects/{key}")]
pub async fn show(
    _operator: Operator,
    path: web::Path<String>,
    admin: web::Data<Admin>,
) -> Result<HttpResponse, Problem> {
    let text = path.into_inner();
    let key = SubjectKey::parse(&text).map_err(|e| unknown_subject(&text, Some(&e)))?;
    let lifecycle = admin
        .store
        .get_subject(&key)
        .await
        .map_err(|e| store_problem(e, "reading the subject"))?
        .ok_or_else(|| unknown_subject(&text, None))?;
    Ok(HttpResponse::Ok().json(lifecycle))
}

/// No subject with that key: either the key cannot exist, or no event or operator named it yet.
pub fn unknown_subject(key: &str, malformed: Option<&dyn std::fmt::Display>) -> Problem {
    let detail = match malformed {
        Some(why) => format!("'{key}' cannot be a subject key: {why}"),
        None => format!(
            "no subject '{key}' is known: no event or operator has named them yet \
             (GET /v1/subjects lists those that are)"
        ),
    };
    Problem::new(
        StatusCode::NOT_FOUND,
        "unknown_subject",
        "Not found",
        detail,
    )
}
