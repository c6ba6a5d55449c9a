//! The inbox's writes: accepted events and their verdicts (reads and replays in `reads.rs`).
//!
//! A batch goes in one transaction from [`Store::begin_batch`]: on SQLite the writer connection,
//! on PostgreSQL any connection and no engine lock, since the unique index on (source, dedupe
//! key) keeps a key to one row across replicas.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use super::row::unreadable;
use super::{Connection, Db, Store, VERDICT_STATUS, classify, time_text};
use crate::store::error::StoreError;
use crate::store::group_commit::{Batch, Verdict, Written};
use crate::store::inbox::{EventId, InboxStatus, NewEvent, Receipt, body_digest};
use crate::store::timestamp;

mod reads;

const WRITING_BATCH: &str = "writing a batch of accepted events and verdicts";

/// Rows per INSERT statement: each binds 12 parameters (SQLite takes at most 32766 in one
/// statement, PostgreSQL 65535).
const ROWS_PER_INSERT: usize = 256;

/// One UPDATE giving each event in `verdicts` its status and reason, if it is still accepted
/// (the status column as [`VERDICT_STATUS`] names it, which on SQLite keeps the planner off the
/// status index).
pub(in super::super) fn verdict_update<'a>(
    verdicts: &'a [Verdict],
    now: &'a str,
) -> QueryBuilder<'a, Db> {
    let mut query = QueryBuilder::<Db>::new("WITH verdict (event_id, status, reason) AS (");
    query.push_values(verdicts, |mut row, (event_id, status, reason)| {
        row.push_bind(event_id.as_str())
            .push_bind(status.as_str())
            .push_bind(reason.as_deref());
    });
    query
        .push(
            ") UPDATE inbox_events SET status = verdict.status, reason = verdict.reason, \
             attempts = attempts + 1, updated_at = ",
        )
        .push_bind(now)
        .push(
            " FROM verdict WHERE inbox_events.event_id = verdict.event_id \
             AND ",
        )
        .push(VERDICT_STATUS)
        .push(" = ")
        .push_bind(InboxStatus::Accepted.as_str());
    query
}

/// Verdicts per UPDATE statement: three parameters each, well under either database's limit.
const VERDICTS_PER_UPDATE: usize = 1000;

const FIND_FIRST_DELIVERY: &str = "SELECT event_id, status, received_at FROM inbox_events \
     WHERE source = $1 AND dedupe_key = $2";

impl Store {
    /// Writes the batch in one transaction, dated `now`.
    pub(crate) async fn write_batch(
        &self,
        batch: Batch<'_>,
        now: DateTime<Utc>,
    ) -> Result<Written, StoreError> {
        let fail = |source| classify(WRITING_BATCH, source);
        let mut transaction = self.begin_batch().await.map_err(fail)?;
        let written_at = time_text(now);
        let mut changed = Vec::with_capacity(batch.verdicts.len());
        for verdicts in batch.verdicts {
            changed.push(apply_verdicts(&mut transaction, verdicts, &written_at).await?);
        }
        let mut receipts = Vec::with_capacity(batch.events.len());
        for rows in batch.events.chunks(ROWS_PER_INSERT) {
            insert_or_find(&mut transaction, rows, &written_at, &mut receipts).await?;
        }
        // Dropping an uncommitted transaction rolls it back: an early return above leaves
        // nothing of the batch behind.
        transaction.commit().await.map_err(fail)?;
        Ok(Written { receipts, changed })
    }
}

/// Gives each event its verdict if it is still accepted; returns how many changed. One
/// statement per chunk rather than one per event: each statement is a round trip to the
/// database's thread, made while every other writer waits.
async fn apply_verdicts(
    connection: &mut Connection,
    verdicts: &[Verdict],
    now: &str,
) -> Result<u64, StoreError> {
    let mut changed = 0;
    for chunk in verdicts.chunks(VERDICTS_PER_UPDATE) {
        changed += verdict_update(chunk, now)
            .build()
            .execute(&mut *connection)
            .await
            .map_err(|source| classify(WRITING_BATCH, source))?
            .rows_affected();
    }
    Ok(changed)
}

/// Inserts the events whose (source, dedupe key) is not known yet, in one statement, and adds
/// a receipt per event to `receipts`: its own, or the first delivery's. Runs inside the batch's
/// transaction, so an earlier event of the same batch counts as known. One statement for many
/// rows rather than one each: a statement is a round trip to the database's thread, and those
/// round trips, not the database's work, were what limited a batch.
async fn insert_or_find(
    connection: &mut Connection,
    events: &[NewEvent],
    written_at: &str,
    receipts: &mut Vec<Receipt>,
) -> Result<(), StoreError> {
    let fail = |source| classify(WRITING_BATCH, source);
    let ids: Vec<EventId> = events.iter().map(|_| EventId::generate()).collect();
    let received: Vec<_> = events
        .iter()
        .map(|e| timestamp::to_millis(e.received_at))
        .collect();
    let mut query = QueryBuilder::<Db>::new(
        "INSERT INTO inbox_events \
         (event_id, source, dedupe_key, key_origin, received_at, source_time, content_type, body, \
          traceparent, status, attempts, replays, updated_at, body_sha256) ",
    );
    // Rows go in (source, dedupe key) order: two PostgreSQL replicas inserting overlapping keys
    // then wait for each other's keys in one order, never in a cycle (a deadlock the server
    // would break by failing one batch). The sort is stable: of two deliveries of one key, the
    // earlier wins.
    let mut order: Vec<(usize, &NewEvent)> = events.iter().enumerate().collect();
    order.sort_by(|(_, a), (_, b)| (&a.source, &a.dedupe_key).cmp(&(&b.source, &b.dedupe_key)));
    query.push_values(order, |mut row, (i, event)| {
        row.push_bind(ids[i].as_str())
            .push_bind(event.source.as_str())
            .push_bind(event.dedupe_key.as_str())
            .push_bind(event.key_origin.as_str())
            .push_bind(timestamp::to_text(received[i]))
            .push_bind(event.source_time.map(timestamp::to_text))
            .push_bind(event.content_type.as_str())
            .push_bind(event.body.as_slice())
            .push_bind(event.traceparent.as_deref())
            .push_bind(InboxStatus::Accepted.as_str())
            .push("0")
            .push("0")
            .push_bind(written_at)
            .push_bind(body_digest(&event.body));
    });
    query.push(" ON CONFLICT (source, dedupe_key) DO NOTHING");
    let written = query
        .build()
        .execute(&mut *connection)
        .await
        .map_err(fail)?
        .rows_affected();
    // Usually every event is new, and the count says so. Only when some were not is it worth
    // asking which, rather than having every new id sent back from the database's thread.
    let inserted: Option<HashSet<String>> = if written == events.len() as u64 {
        None
    } else {
        let mut which =
            QueryBuilder::<Db>::new("SELECT event_id FROM inbox_events WHERE event_id IN (");
        let mut list = which.separated(", ");
        for id in &ids {
            list.push_bind(id.as_str());
        }
        list.push_unseparated(")");
        Some(
            which
                .build_query_scalar::<String>()
                .fetch_all(&mut *connection)
                .await
                .map_err(fail)?
                .into_iter()
                .collect(),
        )
    };
    for ((event, event_id), received_at) in events.iter().zip(ids).zip(received) {
        if inserted
            .as_ref()
            .is_none_or(|inserted| inserted.contains(event_id.as_str()))
        {
            receipts.push(Receipt {
                event_id,
                status: InboxStatus::Accepted,
                received_at,
                duplicate: false,
            });
        } else {
            receipts.push(first_delivery(connection, event).await?);
        }
    }
    Ok(())
}

/// The receipt of the stored event with the same (source, dedupe key) as `event`.
async fn first_delivery(
    connection: &mut Connection,
    event: &NewEvent,
) -> Result<Receipt, StoreError> {
    let (first_id, status, first_received_at): (String, String, String) =
        sqlx::query_as(FIND_FIRST_DELIVERY)
            .bind(&event.source)
            .bind(&event.dedupe_key)
            .fetch_one(&mut *connection)
            .await
            .map_err(|source| classify(WRITING_BATCH, source))?;
    let what = || format!("inbox event {first_id}");
    Ok(Receipt {
        event_id: EventId::parse(&first_id).map_err(|e| unreadable(what(), e))?,
        status: status.parse().map_err(|e| unreadable(what(), e))?,
        received_at: timestamp::from_text(&first_received_at).map_err(|e| unreadable(what(), e))?,
        duplicate: true,
    })
}
