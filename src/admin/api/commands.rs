//! `GET /v1/commands`, `GET /v1/commands/{id}`, `GET /v1/dead-letters` and
//! `POST /v1/commands/{id}/replay`.

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpRequest, HttpResponse, get, post, web};
use serde_json::json;

use super::failure::store_problem;
use super::page::Page;
use super::query::QueryParams;
use super::{Admin, Operator};
use crate::domain::{CommandId, OutcomeKind, SubjectKey};
use crate::problem::Problem;
use crate::store::{CommandFilter, CommandRecord, CommandState};

const STATES: &[&str] = &[
    "queued",
    "scheduled",
    "running",
    "retrying",
    "parked",
    "held",
    "done",
];

const OUTCOMES: &[&str] = &[
    "succeeded",
    "no_change",
    "skipped_stale",
    "superseded",
    "dead_lettered",
    "rejected",
];

/// One page of commands in creation order: `?state&outcome&subject&limit&after`.
#[get("/v1/commands")]
pub async fn list(
    _operator: Operator,
    request: HttpRequest,
    admin: web::Data<Admin>,
) -> Result<HttpResponse, Problem> {
    let query = QueryParams::read(&request, &["state", "outcome", "subject", "limit", "after"])?;
    let filter = CommandFilter {
        state: query.choice::<CommandState>("state", STATES)?,
        outcome: query.choice::<OutcomeKind>("outcome", OUTCOMES)?,
        ..filter(&query)?
    };
    page(&admin, filter).await
}

/// Dead letters: commands Salesforce or the rules refused for good, each with the refusal
/// verbatim, waiting for an operator to fix the cause and replay them: `?subject&limit&after`.
#[get("/v1/dead-letters")]
pub async fn dead_letters(
    _operator: Operator,
    request: HttpRequest,
    admin: web::Data<Admin>,
) -> Result<HttpResponse, Problem> {
    let query = QueryParams::read(&request, &["subject", "limit", "after"])?;
    let filter = CommandFilter {
        outcome: Some(OutcomeKind::DeadLettered),
        ..filter(&query)?
    };
    page(&admin, filter).await
}

/// A command's whole life: intent, origin, state, attempts, progress and outcome.
#[get("/v1/commands/{id}")]
pub async fn show(
    _operator: Operator,
    path: web::Path<String>,
    admin: web::Data<Admin>,
) -> Result<HttpResponse, Problem> {
    let text = path.into_inner();
    let id = command_id(&text)?;
    let record = admin
        .store
        .get_command(&id)
        .await
        .map_err(|e| store_problem(e, "reading the command"))?
        .ok_or_else(|| unknown_command(&text))?;
    Ok(HttpResponse::Ok().json(record))
}

/// Copies a dead-lettered command into a new queued one (same intent, origin and item) and
/// records the operator in the subject's history. 202 with the new command's id.
#[post("/v1/commands/{id}/replay")]
pub async fn replay(
    operator: Operator,
    path: web::Path<String>,
    admin: web::Data<Admin>,
) -> Result<HttpResponse, Problem> {
    let text = path.into_inner();
    let id = command_id(&text)?;
    let replay = admin
        .store
        .replay(&id, &operator.actor)
        .await
        .map_err(|e| store_problem(e, "replaying the command"))?;
    admin.worker.notify_one();
    tracing::info!(
        command_id = id.as_str(),
        replay = replay.as_str(),
        actor = %operator.logged(),
        "operator replayed a dead letter"
    );
    Ok(HttpResponse::Accepted()
        .insert_header((LOCATION, format!("/v1/commands/{replay}")))
        .json(json!({
            "command_id": replay,
            "replay_of": id,
            "state": CommandState::Queued,
        })))
}

/// The filter parts shared by the command listings.
fn filter(query: &QueryParams) -> Result<CommandFilter, Problem> {
    Ok(CommandFilter {
        subject: query.parsed("subject", SubjectKey::parse)?,
        limit: query.limit(100, CommandFilter::MAX_LIMIT)?,
        after: query.parsed("after", |text| {
            CommandId::parse(text).ok_or("expected a command id (cmd_ followed by a UUID)")
        })?,
        ..CommandFilter::default()
    })
}

async fn page(admin: &Admin, filter: CommandFilter) -> Result<HttpResponse, Problem> {
    let records: Vec<CommandRecord> = admin
        .store
        .list_commands(&filter)
        .await
        .map_err(|e| store_problem(e, "listing commands"))?;
    let page = Page::new(records, filter.limit, |r| r.command.id.to_string());
    Ok(HttpResponse::Ok().json(page))
}

/// A command id from the path; one that is not in the id form names no command.
fn command_id(text: &str) -> Result<CommandId, Problem> {
    CommandId::parse(text).ok_or_else(|| unknown_command(text))
}

fn unknown_command(text: &str) -> Problem {
    let detail = if CommandId::parse(text).is_some() {
        format!("command {text} does not exist")
    } else {
        format!(
            "'{text}' is not a command id (cmd_ followed by a UUID); GET /v1/commands lists them"
        )
    };
    Problem::new(
        StatusCode::NOT_FOUND,
        "unknown_command",
        "Not found",
        detail,
    )
}
