//! The outbox's statements.

use sqlx::QueryBuilder;

use super::row::{Cause, optional_time, unreadable};
use super::{Connection, Db, OUTBOX_ORDER, Store, classify, time_text};
use crate::domain::{CommandId, SubjectKey};
use crate::store::error::StoreError;
use crate::store::outbox::{OutboxEvent, OutboxId, OutboxRow};
use crate::store::timestamp;

/// Adds the announcement of a command's outcome, inside the transaction that writes the
/// outcome; `now` is stored text.
pub(super) async fn insert_outbox(
    connection: &mut Connection,
    subject: &SubjectKey,
    command_id: &CommandId,
    event: &OutboxEvent,
    now: &str,
) -> Result<OutboxId, StoreError> {
    let outbox_id = OutboxId::generate();
    sqlx::query(
        "INSERT INTO outbox (outbox_id, subject_key, command_id, event_type, payload, \
         traceparent, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(outbox_id.as_str())
    .bind(subject.as_str())
    .bind(command_id.as_str())
    .bind(&event.event_type)
    .bind(event.payload.to_string())
    .bind(event.traceparent.as_deref())
    .bind(now)
    .execute(&mut *connection)
    .await
    .map_err(|source| classify("writing an outbox event", source))?;
    Ok(outbox_id)
}

#[derive(sqlx::FromRow)]
pub(super) struct OutboxSqlRow {
    pub(super) outbox_id: String,
    subject_key: String,
    command_id: String,
    event_type: String,
    payload: String,
    traceparent: Option<String>,
    created_at: String,
    published_at: Option<String>,
}

impl OutboxSqlRow {
    pub(super) fn parse(self) -> Result<OutboxRow, Cause> {
        Ok(OutboxRow {
            outbox_id: OutboxId::parse(&self.outbox_id)?,
            subject_key: SubjectKey::parse(&self.subject_key)?,
            command_id: CommandId::parse(&self.command_id).ok_or("not a command id")?,
            event_type: self.event_type,
            payload: serde_json::from_str(&self.payload)?,
            traceparent: self.traceparent,
            created_at: timestamp::from_text(&self.created_at)?,
            published_at: optional_time(self.published_at)?,
        })
    }
}

impl Store {
    /// The oldest events not yet published, in the order [`OUTBOX_ORDER`] names.
    pub(crate) async fn outbox_unpublished(
        &self,
        limit: u32,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        let rows: Vec<OutboxSqlRow> = sqlx::query_as(&format!(
            "SELECT outbox_id, subject_key, command_id, event_type, payload, traceparent, \
             created_at, published_at FROM outbox WHERE published_at IS NULL \
             ORDER BY {OUTBOX_ORDER} LIMIT $1"
        ))
        .bind(i64::from(limit))
        .fetch_all(self.readers())
        .await
        .map_err(|source| classify("reading unpublished outbox events", source))?;
        rows.into_iter()
            .map(|row| {
                let what = format!("outbox event {}", row.outbox_id);
                row.parse().map_err(|source| unreadable(what, source))
            })
            .collect()
    }

    /// One event by id.
    pub(crate) async fn outbox_event(
        &self,
        id: &OutboxId,
    ) -> Result<Option<OutboxRow>, StoreError> {
        let row: Option<OutboxSqlRow> = sqlx::query_as(
            "SELECT outbox_id, subject_key, command_id, event_type, payload, traceparent, \
             created_at, published_at FROM outbox WHERE outbox_id = $1",
        )
        .bind(id.as_str())
        .fetch_optional(self.readers())
        .await
        .map_err(|source| classify("reading an outbox event", source))?;
        row.map(|row| {
            let what = format!("outbox event {}", row.outbox_id);
            row.parse().map_err(|source| unreadable(what, source))
        })
        .transpose()
    }

    /// Marks the events published; ones already marked keep their first publish time.
    pub(crate) async fn mark_published(
        &self,
        ids: &[OutboxId],
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<u64, StoreError> {
        if ids.is_empty() {
            return Ok(0);
        }
        let mut query = QueryBuilder::<Db>::new("UPDATE outbox SET published_at = ");
        query
            .push_bind(time_text(now))
            .push(" WHERE published_at IS NULL AND outbox_id IN (");
        let mut list = query.separated(", ");
        for id in ids {
            list.push_bind(id.as_str().to_owned());
        }
        list.push_unseparated(")");
        let changed = query
            .build()
            .execute(self.writer())
            .await
            .map_err(|source| classify("marking outbox events published", source))?
            .rows_affected();
        Ok(changed)
    }

    /// Deletes events published before `older_than`; unpublished ones are never deleted.
    pub(crate) async fn prune_outbox(
        &self,
        older_than: chrono::DateTime<chrono::Utc>,
    ) -> Result<u64, StoreError> {
        self.prune_where(
            "published_at IS NOT NULL AND published_at < $1",
            older_than,
            "pruning published outbox events",
        )
        .await
    }

    /// Deletes events created before `older_than`, published or not.
    pub(crate) async fn prune_outbox_all(
        &self,
        older_than: chrono::DateTime<chrono::Utc>,
    ) -> Result<u64, StoreError> {
        self.prune_where("created_at < $1", older_than, "pruning outbox events")
            .await
    }

    /// Deletes the rows matching `condition` (binding `older_than` as `$1`) a chunk per
    /// statement, so no writer is held for long: outcomes keep being written
    /// between chunks however many rows go.
    async fn prune_where(
        &self,
        condition: &str,
        older_than: chrono::DateTime<chrono::Utc>,
        doing: &'static str,
    ) -> Result<u64, StoreError> {
        let statement = format!(
            "DELETE FROM outbox WHERE outbox_id IN \
             (SELECT outbox_id FROM outbox WHERE {condition} LIMIT {PRUNE_CHUNK})"
        );
        let cut_off = time_text(older_than);
        let mut deleted = 0;
        loop {
            let chunk = sqlx::query(&statement)
                .bind(&cut_off)
                .execute(self.writer())
                .await
                .map_err(|source| classify(doing, source))?
                .rows_affected();
            deleted += chunk;
            if chunk < PRUNE_CHUNK {
                return Ok(deleted);
            }
        }
    }
}

/// Rows deleted per statement when pruning.
const PRUNE_CHUNK: u64 = 5_000;
