//! Erasing a person: every row that is theirs deleted, the inbox bodies and reports that named
//! them emptied of them, and the tombstone written with the erasure's announcement, in one
//! transaction (the caller's).

mod pending;
mod reports;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::Connection;
use super::outbox::insert_outbox;
use super::row::{optional_time, unreadable};
use super::subjects::load_subject;
use super::{Store, classify, time_text};
use crate::domain::{CommandId, SubjectKey};
use crate::store::command_state::CommandState;
use crate::store::erasure::{
    Erased, Erasure, ErasureBackend, ErasureRefusal, ErasureRequest, PendingErasure, Removed,
    Settled, Tombstone, key_hash,
};
use crate::store::error::StoreError;
use crate::store::outbox::OutboxEvent;
use crate::store::subjects::{SubjectRecord, SubjectState};
use crate::store::timestamp;

const ERASING: &str = "erasing a subject";

#[async_trait]
impl ErasureBackend for Store {
    async fn erase_subject(
        &self,
        subject: &SubjectKey,
        request: &ErasureRequest,
        now: DateTime<Utc>,
    ) -> Result<Erasure, StoreError> {
        let mut transaction = self.begin_write(ERASING).await?;
        let erasure = erase_in(&mut transaction, subject, request, now).await?;
        if let Erasure::Erased(_) = &erasure {
            transaction
                .commit()
                .await
                .map_err(|source| classify(ERASING, source))?;
        }
        Ok(erasure)
    }

    async fn plan_erasure(&self, pending: &PendingErasure) -> Result<(), StoreError> {
        Store::plan_erasure(self, pending).await
    }

    async fn pending_erasures(&self) -> Result<Vec<PendingErasure>, StoreError> {
        Store::pending_erasures(self).await
    }

    async fn settle_erasure(
        &self,
        pending: &PendingErasure,
        now: DateTime<Utc>,
    ) -> Result<Option<Settled>, StoreError> {
        Store::settle_erasure(self, pending, now).await
    }

    async fn tombstone(&self, key_hash: &str) -> Result<Option<Tombstone>, StoreError> {
        let mut connection = self
            .readers()
            .acquire()
            .await
            .map_err(|source| classify("reading a tombstone", source))?;
        load_tombstone(&mut connection, key_hash).await
    }
}

/// Erases the person on `connection`'s transaction, or answers why not (having written
/// nothing).
pub(super) async fn erase_in(
    connection: &mut Connection,
    subject: &SubjectKey,
    request: &ErasureRequest,
    now: DateTime<Utc>,
) -> Result<Erasure, StoreError> {
    if let Some(command_id) = busy_command(connection, subject).await? {
        return Ok(Erasure::Refused(ErasureRefusal::Busy { command_id }));
    }
    let record = load_subject(connection, subject).await?;
    let intents: Vec<String> =
        sqlx::query_scalar("SELECT intent FROM commands WHERE subject_key = $1")
            .bind(subject.as_str())
            .fetch_all(&mut *connection)
            .await
            .map_err(|source| classify(ERASING, source))?;
    let state = record.as_ref().map(|r| r.state);
    if let Some(state @ (SubjectState::Provisioned | SubjectState::Frozen)) = state {
        return Ok(Erasure::Refused(ErasureRefusal::HasAccess { state }));
    }
    if record.is_none() && intents.is_empty() {
        return Ok(Erasure::Refused(ErasureRefusal::Unknown));
    }
    let now_text = time_text(now);
    let needles = needles(subject, record.as_ref(), &intents);
    let removed = remove_rows(connection, subject, &needles, &now_text).await?;
    let hash = key_hash(subject);
    let earlier = load_tombstone(connection, &hash).await?;
    let tombstone = Tombstone {
        last_applied_source_time: record
            .and_then(|r| r.last_applied_source_time)
            .max(earlier.and_then(|t| t.last_applied_source_time)),
        key_hash: hash,
        erased_at: timestamp::to_millis(now),
        actor: request.actor.clone(),
        reason: request.reason.clone(),
    };
    write_tombstone(connection, &tombstone).await?;
    let erasure_id = CommandId::generate();
    // The announcement is keyed by the hash: the outbox row, its Kafka key and its CloudEvents
    // subject name no one.
    let hashed =
        SubjectKey::parse(&tombstone.key_hash).map_err(|_| StoreError::InvalidCommand {
            command_id: erasure_id.clone(),
            problem: "the key hash is not usable as a subject key",
        })?;
    let announcement = OutboxEvent::subject_erased(&erasure_id, &tombstone);
    let outbox_id =
        insert_outbox(connection, &hashed, &erasure_id, &announcement, &now_text).await?;
    Ok(Erasure::Erased(Box::new(Erased {
        erasure_id,
        tombstone,
        removed,
        outbox_id,
    })))
}

/// A command of the person that is under way: running, or started (it recorded progress) and
/// waiting to try again, so it may have changed the org already.
async fn busy_command(
    connection: &mut Connection,
    subject: &SubjectKey,
) -> Result<Option<CommandId>, StoreError> {
    let id: Option<String> = sqlx::query_scalar(
        "SELECT command_id FROM commands WHERE subject_key = $1 \
         AND (state = $2 OR (state <> $3 AND progress <> '{}')) ORDER BY seq LIMIT 1",
    )
    .bind(subject.as_str())
    .bind(CommandState::Running.as_str())
    .bind(CommandState::Done.as_str())
    .fetch_optional(&mut *connection)
    .await
    .map_err(|source| classify(ERASING, source))?;
    id.map(|id| {
        CommandId::parse(&id).ok_or_else(|| unreadable(format!("command {id}"), "not a command id"))
    })
    .transpose()
}

/// The texts that identify the person in a report naming several people: the key, the org's
/// ids and username, and every email address their commands carried.
fn needles(
    subject: &SubjectKey,
    record: Option<&SubjectRecord>,
    intents: &[String],
) -> Vec<String> {
    let mut needles = vec![subject.as_str().to_owned()];
    if let Some(record) = record {
        let fields = [
            &record.user_id,
            &record.contact_id,
            &record.username,
            &record.pending_email,
        ];
        needles.extend(fields.into_iter().flatten().cloned());
    }
    for intent in intents {
        if let Ok(value) = serde_json::from_str::<Value>(intent) {
            collect_addresses(&value, &mut needles);
        }
    }
    needles.retain(|needle| needle.len() >= 3);
    needles.sort();
    needles.dedup();
    needles
}

/// Every text in `value` that holds an `@`: emails and usernames.
fn collect_addresses(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::String(text) if text.contains('@') => into.push(text.clone()),
        Value::Array(items) => items.iter().for_each(|item| collect_addresses(item, into)),
        Value::Object(fields) => fields
            .values()
            .for_each(|field| collect_addresses(field, into)),
        _ => {}
    }
}

/// Deletes the person's rows and empties what names them among others.
async fn remove_rows(
    connection: &mut Connection,
    subject: &SubjectKey,
    needles: &[String],
    now: &str,
) -> Result<Removed, StoreError> {
    // The events the person's commands were mapped from keep their rows, so a redelivery is
    // still known by its dedupe key, but lose their bodies: an event that named several
    // people loses the others' values too (their commands keep their own intents). The body's
    // digest goes too, and the event reads as one whose body is dropped.
    let inbox_bodies = sqlx::query(
        "UPDATE inbox_events SET body = $1, body_sha256 = NULL, body_dropped_at = $2, \
         reason = NULL, updated_at = $2 \
         WHERE event_id IN (SELECT origin_event_id FROM commands \
         WHERE subject_key = $3 AND origin_event_id IS NOT NULL) AND length(body) > 0",
    )
    .bind(Vec::<u8>::new())
    .bind(now)
    .bind(subject.as_str())
    .execute(&mut *connection)
    .await
    .map_err(|source| classify(ERASING, source))?
    .rows_affected();
    let removed = Removed {
        webhook_deliveries: delete_rows(connection, "webhook_deliveries", subject).await?,
        outbox_events: delete_rows(connection, "outbox", subject).await?,
        history: delete_rows(connection, "subject_history", subject).await?,
        commands: delete_rows(connection, "commands", subject).await?,
        roster_absences: delete_rows(connection, "roster_absences", subject).await?,
        inbox_bodies,
        reports: 0,
    };
    delete_rows(connection, "subject_erasures", subject).await?;
    delete_rows(connection, "subjects", subject).await?;
    // The operators' audit trail keeps what was done and by whom, not whom it was done to.
    sqlx::query("UPDATE audit SET subject_key = NULL, personal = NULL WHERE subject_key = $1")
        .bind(subject.as_str())
        .execute(&mut *connection)
        .await
        .map_err(|source| classify(ERASING, source))?;
    let reports = reports::scrub_reports(connection, needles).await?;
    Ok(Removed { reports, ..removed })
}

/// Deletes the person's rows of `table` (a name from this module, never from input).
async fn delete_rows(
    connection: &mut Connection,
    table: &str,
    subject: &SubjectKey,
) -> Result<u64, StoreError> {
    sqlx::query(&format!("DELETE FROM {table} WHERE subject_key = $1"))
        .bind(subject.as_str())
        .execute(&mut *connection)
        .await
        .map(|done| done.rows_affected())
        .map_err(|source| classify(ERASING, source))
}

#[derive(sqlx::FromRow)]
struct TombstoneRow {
    key_hash: String,
    last_applied_source_time: Option<String>,
    erased_at: String,
    actor: String,
    reason: Option<String>,
}

async fn load_tombstone(
    connection: &mut Connection,
    key_hash: &str,
) -> Result<Option<Tombstone>, StoreError> {
    let row: Option<TombstoneRow> = sqlx::query_as(
        "SELECT key_hash, last_applied_source_time, erased_at, actor, reason \
         FROM subject_tombstones WHERE key_hash = $1",
    )
    .bind(key_hash)
    .fetch_optional(&mut *connection)
    .await
    .map_err(|source| classify("reading a tombstone", source))?;
    let Some(row) = row else {
        return Ok(None);
    };
    let what = format!("tombstone {}", row.key_hash);
    let parsed = (|| -> Result<Tombstone, chrono::ParseError> {
        Ok(Tombstone {
            last_applied_source_time: optional_time(row.last_applied_source_time)?,
            erased_at: timestamp::from_text(&row.erased_at)?,
            key_hash: row.key_hash,
            actor: row.actor,
            reason: row.reason,
        })
    })();
    parsed.map(Some).map_err(|source| unreadable(what, source))
}

/// Writes the tombstone; an earlier erasure of the same key is replaced (the caller carried its
/// last applied source time over).
async fn write_tombstone(
    connection: &mut Connection,
    tombstone: &Tombstone,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO subject_tombstones (key_hash, last_applied_source_time, erased_at, actor, \
         reason) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (key_hash) DO UPDATE SET \
         last_applied_source_time = $2, erased_at = $3, actor = $4, reason = $5",
    )
    .bind(&tombstone.key_hash)
    .bind(tombstone.last_applied_source_time.map(time_text))
    .bind(time_text(tombstone.erased_at))
    .bind(&tombstone.actor)
    .bind(tombstone.reason.as_deref())
    .execute(&mut *connection)
    .await
    .map_err(|source| classify("writing a tombstone", source))?;
    Ok(())
}
