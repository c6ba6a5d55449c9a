//! `POST /v1/subjects/{key}/provision` and `POST /v1/subjects/{key}/deprovision`: an operator
//! admits someone, or locks them out now.
//!
//! A manual command is an ordinary command whose origin is the operator: it enters the queue
//! through `store.enqueue`, waits its turn behind the subject's running command, supersedes
//! older waiting ones, is run by the same executor and lands in the same records. Its source
//! time is now, so an older event arriving later cannot undo it (it is recorded as stale).

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, post, web};
use serde_json::json;

use super::failure::store_problem;
use super::manual_body;
use super::{Admin, Operator};
use crate::domain::{CommandId, Deprovision, DeprovisionMode, Intent, SubjectKey};
use crate::engine::executor::operator_origin;
use crate::problem::Problem;
use crate::store::NewCommand;

/// Provisions the subject with the intent in the body (the domain's `Provision` as JSON). An
/// `end_at` also schedules the deactivation for that time, as a mapped provision does.
#[post("/v1/subjects/{key}/provision")]
pub async fn provision(
    operator: Operator,
    path: web::Path<String>,
    body: web::Bytes,
    admin: web::Data<Admin>,
) -> Result<HttpResponse, Problem> {
    let subject = subject_key(&path)?;
    let provision = manual_body::provision(&body)?;
    let end_at = provision.end_at;
    let mut commands = vec![command(
        &admin,
        &operator.actor,
        &subject,
        Intent::Provision(Box::new(provision)),
    )];
    if let Some(end_at) = end_at {
        let mut end = command(
            &admin,
            &operator.actor,
            &subject,
            Intent::Deprovision(Deprovision {
                mode: DeprovisionMode::Deactivate,
                trigger: "end date reached".to_owned(),
            }),
        );
        end.item_key = Some("end".to_owned());
        end.due_at = Some(end_at);
        commands.push(end);
    }
    enqueue(&admin, &operator, &subject, commands).await
}

/// Shows the subject out by the mode in the body (`deactivate` unless it names another;
/// `disable` only when it says so), with the trigger kept on their record.
#[post("/v1/subjects/{key}/deprovision")]
pub async fn deprovision(
    operator: Operator,
    path: web::Path<String>,
    body: web::Bytes,
    admin: web::Data<Admin>,
) -> Result<HttpResponse, Problem> {
    let subject = subject_key(&path)?;
    let deprovision = manual_body::deprovision(&body)?;
    let commands = vec![command(
        &admin,
        &operator.actor,
        &subject,
        Intent::Deprovision(deprovision),
    )];
    enqueue(&admin, &operator, &subject, commands).await
}

pub(super) fn subject_key(text: &str) -> Result<SubjectKey, Problem> {
    SubjectKey::parse(text).map_err(|e| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "bad_subject_key",
            "Subject key not usable",
            format!("'{text}' cannot be a subject key: {e}"),
        )
    })
}

/// A command by the operator `actor`, their source time now.
pub(super) fn command(
    admin: &Admin,
    actor: &str,
    subject: &SubjectKey,
    intent: Intent,
) -> NewCommand {
    NewCommand {
        id: CommandId::generate(),
        subject: subject.clone(),
        intent,
        origin: operator_origin(actor, admin.clock.now()),
        item_key: None,
        due_at: None,
    }
}

/// Enqueues, wakes the worker, and answers 202 with the first command (the one asked for).
async fn enqueue(
    admin: &Admin,
    operator: &Operator,
    subject: &SubjectKey,
    commands: Vec<NewCommand>,
) -> Result<HttpResponse, Problem> {
    let intent = commands
        .first()
        .map(|c| c.intent.kind())
        .unwrap_or("command");
    let enqueued = admin
        .store
        .enqueue(None, commands)
        .await
        .map_err(|e| store_problem(e, "enqueueing the command"))?;
    admin.worker.notify_one();
    let Some(first) = enqueued.first() else {
        return Err(Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "store_failed",
            "Store failed",
            "the store answered nothing for the command enqueued; the log has the cause",
        ));
    };
    tracing::info!(
        subject = subject.as_str(),
        command_id = first.command_id.as_str(),
        intent,
        actor = %operator.logged(),
        superseded = first.superseded.len(),
        "operator enqueued a command"
    );
    let scheduled: Vec<_> = enqueued.iter().skip(1).map(|e| &e.command_id).collect();
    Ok(HttpResponse::Accepted()
        .insert_header((LOCATION, format!("/v1/commands/{}", first.command_id)))
        .json(json!({
            "command_id": first.command_id,
            "subject": subject,
            "intent": intent,
            "state": first.state,
            "superseded": first.superseded,
            "scheduled": scheduled,
        })))
}
