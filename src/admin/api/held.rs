//! What the mass-deprovision guard holds, and the operators who release it:
//! `GET /v1/held`, `POST /v1/held/approve`, `POST /v1/held/reject` and `GET /v1/guard`.
//!
//! Nobody approves what comes from a run they started themselves (a reconciliation, a roster
//! upload, a licence reclaim), whatever their role: `403 own_run`, nothing approved; a second
//! person approves it, and the one who started it may reject it.
//!
//! An approval or rejection names what it applies to — `all=true`, `subject=`, `account=` or
//! `event=`, exactly one — so no request releases everything by leaving a parameter out. Each
//! released command gets a history row with the operator and the time.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde_json::json;

use super::failure::store_problem;
use super::page::Page;
use super::query::{QueryParams, bad_query};
use super::{Admin, Operator};
use crate::domain::{CommandId, SubjectKey};
use crate::problem::Problem;
use crate::store::{CommandFilter, CommandRecord, CommandState, HeldSelection, StoreError};

/// Held commands in creation order, each with its `held_reason`:
/// `?subject&account&event&limit&after`.
#[get("/v1/held")]
pub async fn list(
    _operator: Operator,
    request: HttpRequest,
    admin: web::Data<Admin>,
) -> Result<HttpResponse, Problem> {
    let query = QueryParams::read(&request, &["subject", "account", "event", "limit", "after"])?;
    let filter = CommandFilter {
        state: Some(CommandState::Held),
        subject: query.parsed("subject", SubjectKey::parse)?,
        account: query.text("account").map(str::to_owned),
        event: query.text("event").map(str::to_owned),
        limit: query.limit(100, CommandFilter::MAX_LIMIT)?,
        after: query.parsed("after", |text| {
            CommandId::parse(text).ok_or("expected a command id (cmd_ followed by a UUID)")
        })?,
        ..CommandFilter::default()
    };
    let records: Vec<CommandRecord> = admin
        .store
        .list_commands(&filter)
        .await
        .map_err(|e| store_problem(e, "listing held commands"))?;
    let page = Page::new(records, filter.limit, |r| r.command.id.to_string());
    Ok(HttpResponse::Ok().json(page))
}

/// Runs the selected held commands: each is queued, recorded with the operator. Answers the
/// commands approved and the guard scopes that cleared.
#[post("/v1/held/approve")]
pub async fn approve(
    operator: Operator,
    request: HttpRequest,
    admin: web::Data<Admin>,
) -> Result<HttpResponse, Problem> {
    let query = QueryParams::read(&request, &["all", "subject", "account", "event"])?;
    let selection = selection(&query)?;
    let released = admin
        .store
        .approve_held(&selection, &operator.actor)
        .await
        .map_err(|e| match e {
            StoreError::OwnRun { .. } => {
                Problem::new(StatusCode::FORBIDDEN, "own_run", "Forbidden", e.to_string())
            }
            e => store_problem(e, "approving held commands"),
        })?;
    if !released.commands.is_empty() {
        admin.worker.notify_one();
    }
    tracing::info!(
        approved = released.commands.len(),
        cleared = released.cleared.join(","),
        actor = %operator.logged(),
        "operator approved held deprovisions"
    );
    Ok(HttpResponse::Ok().json(json!({
        "approved": released.commands.len(),
        "commands": released.commands,
        "cleared": released.cleared,
    })))
}

/// Ends the selected held commands `rejected`, recorded with the operator and `?reason=`.
#[post("/v1/held/reject")]
pub async fn reject(
    operator: Operator,
    request: HttpRequest,
    admin: web::Data<Admin>,
) -> Result<HttpResponse, Problem> {
    let query = QueryParams::read(&request, &["all", "subject", "account", "event", "reason"])?;
    let selection = selection(&query)?;
    let reason = query.text("reason").map(str::to_owned);
    let released = admin
        .store
        .reject_held(&selection, &operator.actor, reason)
        .await
        .map_err(|e| store_problem(e, "rejecting held commands"))?;
    tracing::info!(
        rejected = released.commands.len(),
        cleared = released.cleared.join(","),
        actor = %operator.logged(),
        "operator rejected held deprovisions"
    );
    Ok(HttpResponse::Ok().json(json!({
        "rejected": released.commands.len(),
        "commands": released.commands,
        "cleared": released.cleared,
    })))
}

/// The guard's state: whether it is on, its window, and every scope that has tripped.
#[get("/v1/guard")]
pub async fn status(_operator: Operator, admin: web::Data<Admin>) -> Result<HttpResponse, Problem> {
    let scopes = admin
        .store
        .guard_scopes()
        .await
        .map_err(|e| store_problem(e, "reading the guard"))?;
    let policy = admin.store.guard();
    Ok(HttpResponse::Ok().json(json!({
        "enabled": policy.is_some(),
        "window_seconds": policy.map(|p| p.window.num_seconds()),
        "scopes": scopes,
    })))
}

/// The one selection the query names.
fn selection(query: &QueryParams) -> Result<HeldSelection, Problem> {
    let mut named = Vec::new();
    match query.text("all") {
        None => {}
        Some("true") => named.push(HeldSelection::All),
        Some(other) => {
            return Err(bad_query(format!(
                "all={other}: write all=true to select every held command"
            )));
        }
    }
    if let Some(subject) = query.parsed("subject", SubjectKey::parse)? {
        named.push(HeldSelection::Subject(subject));
    }
    if let Some(account) = query.text("account") {
        named.push(HeldSelection::Account(account.to_owned()));
    }
    if let Some(event) = query.text("event") {
        named.push(HeldSelection::Event(event.to_owned()));
    }
    match named.len() {
        1 => Ok(named.remove(0)),
        0 => Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "no_selection",
            "Say which held commands",
            "name exactly one of all=true, subject=KEY, account=ACCOUNT or event=EVENT_ID; \
             GET /v1/held lists what is held",
        )),
        _ => Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "several_selections",
            "Say which held commands",
            "name only one of all=true, subject, account or event",
        )),
    }
}
