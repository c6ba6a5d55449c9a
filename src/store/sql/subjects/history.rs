//! Appending to and reading a subject's history.

use super::super::Connection;

use super::super::classify;
use super::super::row::{Cause, unreadable};
use crate::domain::{CommandId, SubjectKey};
use crate::store::error::StoreError;
use crate::store::subjects::{HistoryEntry, HistoryKind};
use crate::store::timestamp;

/// Appends one row; `at` is stored text.
pub(in super::super) async fn append_history(
    connection: &mut Connection,
    subject: &SubjectKey,
    at: &str,
    kind: HistoryKind,
    command_id: Option<&CommandId>,
    actor: Option<&str>,
    detail: &serde_json::Value,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO subject_history (subject_key, at, kind, command_id, actor, detail) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(subject.as_str())
    .bind(at)
    .bind(kind.as_str())
    .bind(command_id.map(CommandId::as_str))
    .bind(actor)
    .bind(detail.to_string())
    .execute(&mut *connection)
    .await
    .map_err(|source| classify("appending to a subject's history", source))?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct HistoryRow {
    id: i64,
    subject_key: String,
    at: String,
    kind: String,
    command_id: Option<String>,
    actor: Option<String>,
    detail: String,
}

impl HistoryRow {
    fn parse(self) -> Result<HistoryEntry, Cause> {
        Ok(HistoryEntry {
            id: self.id,
            subject_key: SubjectKey::parse(&self.subject_key)?,
            at: timestamp::from_text(&self.at)?,
            kind: self.kind.parse()?,
            command_id: self
                .command_id
                .as_deref()
                .map(|text| CommandId::parse(text).ok_or("not a command id"))
                .transpose()?,
            actor: self.actor,
            detail: serde_json::from_str(&self.detail)?,
        })
    }
}

/// The subject's whole history, oldest first.
pub(super) async fn load_history(
    connection: &mut Connection,
    subject: &SubjectKey,
) -> Result<Vec<HistoryEntry>, StoreError> {
    let rows: Vec<HistoryRow> = sqlx::query_as(
        "SELECT id, subject_key, at, kind, command_id, actor, detail FROM subject_history \
         WHERE subject_key = $1 ORDER BY id",
    )
    .bind(subject.as_str())
    .fetch_all(&mut *connection)
    .await
    .map_err(|source| classify("reading a subject's history", source))?;
    rows.into_iter()
        .map(|row| {
            let what = format!("history row {} of subject {subject}", row.id);
            row.parse().map_err(|source| unreadable(what, source))
        })
        .collect()
}
