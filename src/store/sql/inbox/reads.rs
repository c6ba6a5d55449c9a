//! The inbox's reads, pages and replays: what operators and the intake ask of accepted events.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use super::super::row::{Cause, INBOX_COLUMNS, InboxRow, optional_time, unreadable};
use super::super::{Db, Store, classify, time_text};
use crate::store::error::StoreError;
use crate::store::inbox::{EventId, InboxEvent, InboxFilter, InboxStatus};

impl Store {
    pub(crate) async fn get(&self, event_id: &EventId) -> Result<Option<InboxEvent>, StoreError> {
        let row: Option<InboxRow> = sqlx::query_as(&format!(
            "SELECT {INBOX_COLUMNS} FROM inbox_events WHERE event_id = $1"
        ))
        .bind(event_id.as_str())
        .fetch_optional(self.readers())
        .await
        .map_err(|source| classify("reading an inbox event", source))?;
        row.map(InboxRow::into_event).transpose()
    }

    /// One page of events in id order. `statuses: None` means any status; an empty list matches
    /// nothing.
    pub(crate) async fn page(
        &self,
        statuses: Option<&[InboxStatus]>,
        filter: &InboxFilter,
    ) -> Result<Vec<InboxEvent>, StoreError> {
        if statuses.is_some_and(<[InboxStatus]>::is_empty) || filter.capped_limit() == 0 {
            return Ok(Vec::new());
        }
        let mut query = QueryBuilder::<Db>::new(format!(
            "SELECT {INBOX_COLUMNS} FROM inbox_events WHERE 1 = 1"
        ));
        if let Some(statuses) = statuses {
            query.push(" AND status IN (");
            push_status_list(&mut query, statuses);
        }
        if let Some(source) = &filter.source {
            query.push(" AND source = ").push_bind(source.clone());
        }
        if let Some(after) = &filter.after {
            query
                .push(" AND event_id > ")
                .push_bind(after.as_str().to_owned());
        }
        query
            .push(" ORDER BY event_id LIMIT ")
            .push_bind(i64::from(filter.capped_limit()));
        let rows: Vec<InboxRow> = query
            .build_query_as()
            .fetch_all(self.readers())
            .await
            .map_err(|source| classify("listing inbox events", source))?;
        rows.into_iter().map(InboxRow::into_event).collect()
    }

    /// Records a later stage's verdict on an `accepted` event.
    pub(crate) async fn mark(
        &self,
        event_id: &EventId,
        status: InboxStatus,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if status == InboxStatus::Accepted {
            return Err(self.refusal(event_id, status).await);
        }
        let changed = sqlx::query(
            "UPDATE inbox_events SET status = $1, reason = $2, attempts = attempts + 1, \
             updated_at = $3 WHERE event_id = $4 AND status = $5",
        )
        .bind(status.as_str())
        .bind(reason)
        .bind(time_text(now))
        .bind(event_id.as_str())
        .bind(InboxStatus::Accepted.as_str())
        .execute(self.writer())
        .await
        .map_err(|source| classify("marking an inbox event", source))?
        .rows_affected();
        if changed == 0 {
            return Err(self.refusal(event_id, status).await);
        }
        Ok(())
    }

    /// Puts a kept event back to `accepted`, counting the replay.
    pub(crate) async fn requeue(
        &self,
        event_id: &EventId,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let now = time_text(now);
        let mut query = QueryBuilder::<Db>::new("UPDATE inbox_events SET status = ");
        query
            .push_bind(InboxStatus::Accepted.as_str())
            .push(", reason = NULL, replays = replays + 1, replayed_at = ")
            .push_bind(now.clone())
            .push(", updated_at = ")
            .push_bind(now)
            .push(" WHERE event_id = ")
            .push_bind(event_id.as_str().to_owned())
            .push(" AND status IN (");
        let replayable: Vec<InboxStatus> = InboxStatus::ALL
            .into_iter()
            .filter(|status| status.is_replayable())
            .collect();
        push_status_list(&mut query, &replayable);
        // An event whose body retention dropped has nothing left to map.
        query.push(" AND body_dropped_at IS NULL");
        let changed = query
            .build()
            .execute(self.writer())
            .await
            .map_err(|source| classify("requeueing an inbox event", source))?
            .rows_affected();
        if changed == 0 {
            return Err(self.refusal(event_id, InboxStatus::Accepted).await);
        }
        Ok(())
    }

    /// How many events are in each status; every status is present, zeros included.
    pub(crate) async fn count_by_status(&self) -> Result<BTreeMap<InboxStatus, u64>, StoreError> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT status, COUNT(*) FROM inbox_events GROUP BY status")
                .fetch_all(self.readers())
                .await
                .map_err(|source| classify("counting inbox events", source))?;
        let mut counts: BTreeMap<InboxStatus, u64> = InboxStatus::ALL
            .into_iter()
            .map(|status| (status, 0))
            .collect();
        for (name, count) in rows {
            let what = || format!("the count of inbox events with status {name:?}");
            let status: InboxStatus = name.parse().map_err(|e| unreadable(what(), e))?;
            let count = u64::try_from(count).map_err(|e| unreadable(what(), e))?;
            counts.insert(status, count);
        }
        Ok(counts)
    }

    /// Explains why a status change touched no row: the event is unknown, in another status,
    /// or (for a replay) without its body.
    async fn refusal(&self, event_id: &EventId, to: InboxStatus) -> StoreError {
        // Read through the writer so the answer reflects the change that was just refused.
        let current: Result<Option<(String, Option<String>)>, sqlx::Error> =
            sqlx::query_as("SELECT status, body_dropped_at FROM inbox_events WHERE event_id = $1")
                .bind(event_id.as_str())
                .fetch_optional(self.writer())
                .await;
        let what = || format!("inbox event {event_id}");
        match current {
            Err(source) => classify("reading an inbox event's status", source),
            Ok(None) => StoreError::UnknownEvent(event_id.clone()),
            Ok(Some((name, dropped))) => {
                let parsed = name
                    .parse::<InboxStatus>()
                    .map_err(Cause::from)
                    .and_then(|from| {
                        let dropped = optional_time(dropped)?;
                        Ok((from, dropped))
                    });
                match parsed {
                    Err(e) => unreadable(what(), e),
                    Ok((from, Some(dropped_at)))
                        if to == InboxStatus::Accepted && from.is_replayable() =>
                    {
                        StoreError::BodyDropped {
                            event_id: event_id.clone(),
                            dropped_at,
                        }
                    }
                    Ok((from, _)) => StoreError::Refused {
                        event_id: event_id.clone(),
                        from,
                        to,
                    },
                }
            }
        }
    }
}

/// Appends `$n, $m, …)` binding each status name; the caller wrote `… IN (`.
fn push_status_list(query: &mut QueryBuilder<'_, Db>, statuses: &[InboxStatus]) {
    let mut list = query.separated(", ");
    for status in statuses {
        list.push_bind(status.as_str());
    }
    list.push_unseparated(")");
}
