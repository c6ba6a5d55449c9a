//! The operators' audit trail: every request an operator is allowed to make is kept before it
//! is served — who (the actor and the roles held), when, what (the method and route), on what,
//! and why (`X-Gatehouse-Reason`, or a `reason` query parameter) — and logged as one line, the
//! actor and the reason masked. `GET /v1/audit` lists the trail, newest first.
//!
//! Reads are kept as actions are: a person's record, an inbox body and a dead letter are
//! people's data. The subject key and the query's values (which may name a person or an
//! Account) are kept apart from the rest of the entry, so erasing a person clears them. A
//! request that cannot be kept is not served (`503`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, web};
use serde_json::{Map, Value};

use super::Admin;
use super::failure::store_problem;
use super::query::QueryParams;
use crate::admin::identity::Operator;
use crate::problem::Problem;
use crate::store::{AuditFilter, NewAuditEntry};
use crate::telemetry::mask::mask_emails;

/// The header an operator gives their reason in.
pub const REASON_HEADER: &str = "x-gatehouse-reason";

/// Longest reason kept.
const MAX_REASON_LEN: usize = 500;

/// Keeps the request in the audit trail and logs it.
pub async fn record(request: &HttpRequest, operator: &Operator) -> Result<(), Problem> {
    let Some(admin) = request.app_data::<web::Data<Admin>>() else {
        return Ok(());
    };
    let entry = entry(request, operator)?;
    let seq = admin
        .store
        .record_audit(&entry)
        .await
        .map_err(|e| store_problem(e, "keeping the request in the audit trail"))?;
    tracing::info!(
        audit_seq = seq,
        actor = %operator.logged(),
        roles = entry.roles,
        action = entry.action,
        target = entry.target.as_deref().unwrap_or(""),
        reason = %mask_emails(entry.reason.as_deref().unwrap_or("")),
        "operator request"
    );
    Ok(())
}

fn entry(request: &HttpRequest, operator: &Operator) -> Result<NewAuditEntry, Problem> {
    let pattern = request.match_pattern().unwrap_or_default();
    let mut subject_key = None;
    let mut target = Vec::new();
    for (name, value) in request.match_info().iter() {
        if name == "key" {
            subject_key = Some(value.to_owned());
        } else {
            target.push(format!("{name}={value}"));
        }
    }
    let mut personal = Map::new();
    for (name, value) in url::form_urlencoded::parse(request.query_string().as_bytes()) {
        if name == "subject" && subject_key.is_none() {
            subject_key = Some(value.to_string());
        }
        personal.insert(name.into_owned(), Value::String(value.into_owned()));
    }
    Ok(NewAuditEntry {
        actor: operator.actor.clone(),
        roles: operator.roles_text(),
        action: format!("{} {pattern}", request.method()),
        target: (!target.is_empty()).then(|| target.join(" ")),
        reason: reason(request, &personal)?,
        subject_key,
        personal: (!personal.is_empty()).then_some(Value::Object(personal)),
    })
}

/// The reason the operator gave: the header, else the `reason` query parameter.
fn reason(request: &HttpRequest, query: &Map<String, Value>) -> Result<Option<String>, Problem> {
    let text = match request.headers().get(REASON_HEADER) {
        Some(value) => value
            .to_str()
            .map(str::to_owned)
            .map_err(|_| bad_reason())?,
        None => match query.get("reason").and_then(Value::as_str) {
            Some(reason) => reason.to_owned(),
            None => return Ok(None),
        },
    };
    let text = text.trim();
    if text.len() > MAX_REASON_LEN || text.chars().any(char::is_control) {
        return Err(bad_reason());
    }
    Ok((!text.is_empty()).then(|| text.to_owned()))
}

fn bad_reason() -> Problem {
    Problem::new(
        StatusCode::BAD_REQUEST,
        "bad_reason",
        "Reason not usable",
        format!(
            "X-Gatehouse-Reason must be text of at most {MAX_REASON_LEN} characters on one line"
        ),
    )
}

/// The audit trail, newest first: `?actor&subject&limit&before`.
#[get("/v1/audit")]
pub async fn list(
    _operator: Operator,
    request: HttpRequest,
    admin: web::Data<Admin>,
) -> Result<HttpResponse, Problem> {
    let query = QueryParams::read(&request, &["actor", "subject", "limit", "before"])?;
    let filter = AuditFilter {
        actor: query.text("actor").map(str::to_owned),
        subject: query.text("subject").map(str::to_owned),
        before: query.parsed("before", |text| {
            text.parse::<i64>()
                .map_err(|_| "an entry's seq, as next_before gave it")
        })?,
        limit: query.limit(100, 1000)?,
    };
    let items = admin
        .store
        .audit_entries(&filter)
        .await
        .map_err(|e| store_problem(e, "reading the audit trail"))?;
    let full = items.len() == filter.limit as usize;
    let next_before = items.last().filter(|_| full).map(|e| e.seq);
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "items": items,
        "next_before": next_before,
    })))
}
