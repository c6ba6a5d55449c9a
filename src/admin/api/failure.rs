//! Store errors as problems an operator can act on.

use actix_web::http::StatusCode;

use crate::problem::Problem;
use crate::store::{StoreError, StoreErrorKind};

/// The problem for a store error met while `doing` something (e.g. "replaying the command").
/// Unknown ids are 404, refused state changes 409, unstorable input 400; an unavailable store is
/// 503 and a broken one 500, both logged with their cause (which carries no personal data).
pub fn store_problem(error: StoreError, doing: &str) -> Problem {
    match error.kind() {
        StoreErrorKind::NotFound => {
            let reason = match &error {
                StoreError::UnknownEvent(_) => "unknown_event",
                _ => "unknown_command",
            };
            Problem::new(
                StatusCode::NOT_FOUND,
                reason,
                "Not found",
                error.to_string(),
            )
        }
        StoreErrorKind::Refused => {
            let (reason, hint) = match &error {
                StoreError::AlreadyReplayed { replay, .. } => (
                    "already_replayed",
                    format!("; look at {replay}, or replay that one if it was dead-lettered too"),
                ),
                StoreError::BodyDropped { .. } => ("body_dropped", String::new()),
                StoreError::Refused { .. } => (
                    "not_replayable",
                    "; only unmapped or ignored events can be replayed".to_owned(),
                ),
                _ => ("not_dead_lettered", String::new()),
            };
            Problem::new(
                StatusCode::CONFLICT,
                reason,
                "Not possible in this state",
                format!("{error}{hint}"),
            )
        }
        // Admin operations make no writes under a claim; should one ever, the command has
        // moved on under another worker, which is a conflict with its current state.
        StoreErrorKind::ClaimLost => Problem::new(
            StatusCode::CONFLICT,
            "claim_lost",
            "Not possible in this state",
            error.to_string(),
        ),
        StoreErrorKind::Invalid => Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_command",
            "Command not storable",
            error.to_string(),
        ),
        StoreErrorKind::Unavailable => {
            tracing::warn!(
                error = format!("{:#}", anyhow::Error::from(error)),
                doing,
                "admin request: store unavailable"
            );
            Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "store_unavailable",
                "Store unavailable",
                format!("the store is unavailable while {doing}; nothing was changed, retry later"),
            )
        }
        StoreErrorKind::Broken => {
            tracing::error!(
                error = format!("{:#}", anyhow::Error::from(error)),
                doing,
                "admin request: store failed"
            );
            Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "store_failed",
                "Store failed",
                format!("the store failed while {doing}; the log has the cause"),
            )
        }
    }
}
