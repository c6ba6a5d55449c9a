//! An operator's adoption of an external user created outside Gatehouse: a lifecycle record
//! for them, with who adopted them and when in its history.

use serde_json::json;

use super::super::{Store, classify, time_text};
use super::history::append_history;
use crate::store::error::StoreError;
use crate::store::reconcile::Adoption;
use crate::store::subjects::HistoryKind;

const ADOPTING: &str = "adopting an external user";

impl Store {
    /// Creates the record, refused when the key has one already or another record names the
    /// user; nothing is written then.
    pub(crate) async fn adopt_subject(&self, adoption: &Adoption) -> Result<(), StoreError> {
        let fail = |source| classify(ADOPTING, source);
        let refused = |reason: String| StoreError::AdoptionRefused {
            subject: adoption.subject.clone(),
            reason,
        };
        let mut transaction = self.begin_write(ADOPTING).await?;
        let existing: Option<String> =
            sqlx::query_scalar("SELECT state FROM subjects WHERE subject_key = $1")
                .bind(adoption.subject.as_str())
                .fetch_optional(&mut *transaction)
                .await
                .map_err(fail)?;
        if let Some(state) = existing {
            return Err(refused(format!(
                "a lifecycle record ({state}) has this key"
            )));
        }
        let holder: Option<String> =
            sqlx::query_scalar("SELECT subject_key FROM subjects WHERE user_id = $1 LIMIT 1")
                .bind(adoption.user_id.as_str())
                .fetch_optional(&mut *transaction)
                .await
                .map_err(fail)?;
        if let Some(holder) = holder {
            return Err(refused(format!(
                "the user belongs to the lifecycle record '{holder}'"
            )));
        }
        let at = time_text(adoption.at);
        sqlx::query(
            "INSERT INTO subjects (subject_key, source, access_source, account_id, contact_id, \
             user_id, username, nickname, licence, state, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        )
        .bind(adoption.subject.as_str())
        .bind(Adoption::SOURCE)
        .bind(Adoption::SOURCE)
        .bind(adoption.account_id.as_deref())
        .bind(adoption.contact_id.as_deref())
        .bind(adoption.user_id.as_str())
        .bind(adoption.username.as_deref())
        .bind(adoption.nickname.as_deref())
        .bind(adoption.licence.as_deref())
        .bind(adoption.state.as_str())
        .bind(&at)
        .bind(&at)
        .execute(&mut *transaction)
        .await
        .map_err(fail)?;
        append_history(
            &mut transaction,
            &adoption.subject,
            &at,
            HistoryKind::Operator,
            None,
            Some(adoption.actor.as_str()),
            &json!({
                "action": "adopt",
                "user_id": adoption.user_id,
                "contact_id": adoption.contact_id,
                "account_id": adoption.account_id,
                "state": adoption.state,
            }),
        )
        .await?;
        transaction.commit().await.map_err(fail)?;
        Ok(())
    }
}
