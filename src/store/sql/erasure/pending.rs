//! Erasures that wait for their deprovision: kept, listed, and settled once it ended.

use serde_json::json;

use super::super::row::unreadable;
use super::super::subjects::append_history;
use super::super::{Store, classify, time_text};
use super::erase_in;
use crate::domain::{CommandId, SubjectKey};
use crate::store::command_state::CommandState;
use crate::store::erasure::{Erasure, ErasureRefusal, ErasureRequest, PendingErasure, Settled};
use crate::store::error::StoreError;
use crate::store::subjects::HistoryKind;
use crate::store::timestamp;

const PLANNING: &str = "keeping a pending erasure";
const SETTLING: &str = "settling a pending erasure";

#[derive(sqlx::FromRow)]
struct PendingRow {
    subject_key: String,
    command_id: String,
    actor: String,
    reason: Option<String>,
    requested_at: String,
}

impl PendingRow {
    fn into_pending(self) -> Result<PendingErasure, StoreError> {
        let what = format!("the pending erasure of {}", self.subject_key);
        let subject = SubjectKey::parse(&self.subject_key)
            .map_err(|source| unreadable(what.clone(), source))?;
        let command_id = CommandId::parse(&self.command_id)
            .ok_or_else(|| unreadable(what.clone(), "not a command id"))?;
        let requested_at =
            timestamp::from_text(&self.requested_at).map_err(|source| unreadable(what, source))?;
        Ok(PendingErasure {
            subject,
            command_id,
            actor: self.actor,
            reason: self.reason,
            requested_at,
        })
    }
}

impl Store {
    pub(super) async fn plan_erasure(&self, pending: &PendingErasure) -> Result<(), StoreError> {
        let fail = |source| classify(PLANNING, source);
        let mut transaction = self.begin_write(PLANNING).await?;
        let at = time_text(pending.requested_at);
        sqlx::query(
            "INSERT INTO subject_erasures (subject_key, command_id, actor, reason, requested_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (subject_key) DO UPDATE SET \
             command_id = $2, actor = $3, reason = $4, requested_at = $5",
        )
        .bind(pending.subject.as_str())
        .bind(pending.command_id.as_str())
        .bind(&pending.actor)
        .bind(pending.reason.as_deref())
        .bind(&at)
        .execute(&mut *transaction)
        .await
        .map_err(fail)?;
        append_history(
            &mut transaction,
            &pending.subject,
            &at,
            HistoryKind::Operator,
            Some(&pending.command_id),
            Some(&pending.actor),
            &json!({"action": "erasure_requested", "reason": pending.reason}),
        )
        .await?;
        transaction.commit().await.map_err(fail)
    }

    pub(super) async fn pending_erasures(&self) -> Result<Vec<PendingErasure>, StoreError> {
        let rows: Vec<PendingRow> = sqlx::query_as(
            "SELECT subject_key, command_id, actor, reason, requested_at FROM subject_erasures \
             ORDER BY requested_at, subject_key",
        )
        .fetch_all(self.readers())
        .await
        .map_err(|source| classify("listing pending erasures", source))?;
        rows.into_iter().map(PendingRow::into_pending).collect()
    }

    pub(super) async fn settle_erasure(
        &self,
        pending: &PendingErasure,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Option<Settled>, StoreError> {
        let fail = |source| classify(SETTLING, source);
        let mut transaction = self.begin_write(SETTLING).await?;
        let still: Option<String> =
            sqlx::query_scalar("SELECT command_id FROM subject_erasures WHERE subject_key = $1")
                .bind(pending.subject.as_str())
                .fetch_optional(&mut *transaction)
                .await
                .map_err(fail)?;
        if still.as_deref() != Some(pending.command_id.as_str()) {
            return Ok(None);
        }
        let ended: Option<(String, Option<String>)> =
            sqlx::query_as("SELECT state, outcome_kind FROM commands WHERE command_id = $1")
                .bind(pending.command_id.as_str())
                .fetch_optional(&mut *transaction)
                .await
                .map_err(fail)?;
        let outcome = match ended {
            Some((state, _)) if state != CommandState::Done.as_str() => return Ok(None),
            Some((_, outcome)) => outcome.unwrap_or_else(|| "without an outcome".to_owned()),
            None => "gone".to_owned(),
        };
        let request = ErasureRequest {
            actor: pending.actor.clone(),
            reason: pending.reason.clone(),
        };
        let settled = match erase_in(&mut transaction, &pending.subject, &request, now).await? {
            Erasure::Erased(erased) => Settled::Erased(erased),
            Erasure::Refused(ErasureRefusal::Busy { .. }) => return Ok(None),
            Erasure::Refused(refusal) => {
                let why = match refusal {
                    ErasureRefusal::HasAccess { state } => format!(
                        "the deprovision {} ended {outcome} and they are still {state}; ask \
                         again once they no longer have access",
                        pending.command_id
                    ),
                    _ => "nothing of them is kept any more".to_owned(),
                };
                abandon(&mut transaction, pending, &why, now).await?;
                Settled::Abandoned {
                    subject: pending.subject.clone(),
                    why,
                }
            }
        };
        transaction.commit().await.map_err(fail)?;
        Ok(Some(settled))
    }
}

/// Drops the pending erasure, saying why on the person's history.
async fn abandon(
    connection: &mut super::super::Connection,
    pending: &PendingErasure,
    why: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM subject_erasures WHERE subject_key = $1")
        .bind(pending.subject.as_str())
        .execute(&mut *connection)
        .await
        .map_err(|source| classify(SETTLING, source))?;
    let exists: Option<String> =
        sqlx::query_scalar("SELECT subject_key FROM subjects WHERE subject_key = $1")
            .bind(pending.subject.as_str())
            .fetch_optional(&mut *connection)
            .await
            .map_err(|source| classify(SETTLING, source))?;
    if exists.is_some() {
        append_history(
            connection,
            &pending.subject,
            &time_text(now),
            HistoryKind::Operator,
            Some(&pending.command_id),
            Some(&pending.actor),
            &json!({"action": "erasure_abandoned", "why": why}),
        )
        .await?;
    }
    Ok(())
}
