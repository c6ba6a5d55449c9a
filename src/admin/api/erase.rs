//! `POST /v1/subjects/{key}/erase`: an operator erases a person's data on their request
//! (docs/privacy.md, "Erasing a person").
//!
//! Refused while the person still has access, unless the body asks for the deprovision too:
//! then a deactivation is enqueued like a manual lock-out, and the erasure waits in the store
//! until it has ended (the engine settles it). Refused while a command of theirs is under way.

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, post, web};
use serde::Deserialize;
use serde_json::json;

use super::failure::store_problem;
use super::manual::{command, subject_key};
use super::subjects::unknown_subject;
use super::{Admin, Operator};
use crate::domain::{Deprovision, DeprovisionMode, Intent, SubjectKey};
use crate::problem::Problem;
use crate::store::{Erasure, ErasureRefusal, ErasureRequest};

/// Longest reason kept in the tombstone.
const MAX_REASON_LEN: usize = 500;

/// The trigger recorded on the deprovision an erasure asks for.
const TRIGGER: &str = "erasure requested";

/// The body: both keys optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct EraseBody {
    /// Why, kept in the tombstone: a ticket or request number, not the person's name.
    reason: Option<String>,
    /// Deprovision first when they still have access, and erase once that succeeded.
    #[serde(default)]
    deprovision: bool,
}

/// Erases the subject now (200), or deprovisions them first and erases after (202).
#[post("/v1/subjects/{key}/erase")]
pub async fn erase(
    operator: Operator,
    path: web::Path<String>,
    body: web::Bytes,
    admin: web::Data<Admin>,
) -> Result<HttpResponse, Problem> {
    let actor = operator.actor.clone();
    let subject = subject_key(&path)?;
    let body = read_body(&body)?;
    let request = ErasureRequest {
        actor,
        reason: body.reason.filter(|reason| !reason.trim().is_empty()),
    };
    let erasure = admin
        .store
        .erase_subject(&subject, &request)
        .await
        .map_err(|e| store_problem(e, "erasing the subject"))?;
    match erasure {
        Erasure::Erased(erased) => {
            tracing::info!(
                subject_hash = erased.tombstone.key_hash,
                actor = %operator.logged(),
                "subject erased"
            );
            Ok(HttpResponse::Ok().json(json!({
                "state": "erased",
                "subject": subject,
                "erasure_id": erased.erasure_id,
                "tombstone": erased.tombstone,
                "removed": erased.removed,
                "outbox_id": erased.outbox_id,
            })))
        }
        Erasure::Refused(ErasureRefusal::HasAccess { .. }) if body.deprovision => {
            deprovision_then_erase(&admin, &subject, &request).await
        }
        Erasure::Refused(refusal) => Err(refused(&subject, &refusal)),
    }
}

/// Enqueues the deactivation and keeps the erasure until it has ended.
async fn deprovision_then_erase(
    admin: &Admin,
    subject: &SubjectKey,
    request: &ErasureRequest,
) -> Result<HttpResponse, Problem> {
    let deprovision = command(
        admin,
        &request.actor,
        subject,
        Intent::Deprovision(Deprovision {
            mode: DeprovisionMode::Deactivate,
            trigger: TRIGGER.to_owned(),
        }),
    );
    let enqueued = admin
        .store
        .enqueue(None, vec![deprovision])
        .await
        .map_err(|e| store_problem(e, "enqueueing the deprovision"))?;
    let Some(first) = enqueued.first() else {
        return Err(store_problem(
            crate::store::StoreError::WriterLost,
            "enqueueing the deprovision",
        ));
    };
    admin
        .store
        .plan_erasure(subject, &first.command_id, request)
        .await
        .map_err(|e| store_problem(e, "keeping the pending erasure"))?;
    admin.worker.notify_one();
    Ok(HttpResponse::Accepted()
        .insert_header((LOCATION, format!("/v1/commands/{}", first.command_id)))
        .json(json!({
            "state": "pending",
            "subject": subject,
            "command_id": first.command_id,
            "deprovision_state": first.state,
            "detail": format!(
                "they still have access: the deactivation {} runs first, and the erasure \
                 follows once it succeeded; if it does not, the erasure is abandoned and their \
                 history says why",
                first.command_id
            ),
        })))
}

fn read_body(body: &[u8]) -> Result<EraseBody, Problem> {
    let bad = |detail: String| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "bad_body",
            "Body not usable",
            detail,
        )
    };
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(EraseBody::default());
    }
    let parsed: EraseBody = serde_json::from_slice(body).map_err(|e| {
        bad(format!(
            "the body must be a JSON object with an optional \"reason\" (text) and \
             \"deprovision\" (true or false): {e}"
        ))
    })?;
    if parsed
        .reason
        .as_ref()
        .is_some_and(|r| r.chars().count() > MAX_REASON_LEN)
    {
        return Err(bad(format!(
            "\"reason\" is at most {MAX_REASON_LEN} characters: a request or ticket number and \
             a few words, not the person's details"
        )));
    }
    Ok(parsed)
}

/// The problem for a refused erasure, saying what to do.
fn refused(subject: &SubjectKey, refusal: &ErasureRefusal) -> Problem {
    let conflict = |reason: &'static str, detail: String| {
        Problem::new(
            StatusCode::CONFLICT,
            reason,
            "Not possible in this state",
            detail,
        )
    };
    match refusal {
        ErasureRefusal::Unknown => unknown_subject(subject.as_str(), None),
        ErasureRefusal::HasAccess { state } => conflict(
            "subject_has_access",
            format!(
                "'{subject}' still has access (their record is {state}); deprovision them \
                 first, or ask for the deprovision with the erasure: {{\"deprovision\": true}} \
                 (gatehouse subject erase {subject} --deprovision)"
            ),
        ),
        ErasureRefusal::Busy { command_id } => conflict(
            "subject_busy",
            format!(
                "command {command_id} for '{subject}' is under way; retry the erasure once it \
                 has ended (GET /v1/commands/{command_id})"
            ),
        ),
    }
}
