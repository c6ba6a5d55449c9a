//! Outcome webhooks: the deliveries of outbox events to subscribers, and the subscribers'
//! states.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use super::outbox::OutboxSqlRow;
use super::row::{Cause, optional_time, unreadable};
use super::{Db, OUTBOX_ORDER, Store, classify, time_text};
use crate::domain::SubjectKey;
use crate::store::error::StoreError;
use crate::store::outbox::{OutboxId, OutboxRow};
use crate::store::timestamp;
use crate::store::webhooks::{
    Attempt, DeliveryFilter, DeliveryState, NewDelivery, PendingDelivery, SubscriberState,
    SubscriberStatus, WebhookBackend, WebhookDelivery, subscriber_state,
};

/// The columns of a delivery with its event's type, `d` the delivery and `o` the outbox row.
const DELIVERY_COLUMNS: &str = "d.seq, d.subscriber, d.outbox_id, d.subject_key, o.event_type, \
     d.state, d.attempts, d.created_at, d.next_attempt_at, d.retry_until, d.last_attempt_at, \
     d.last_status, d.last_error, d.delivered_at";

/// Rows deleted per statement when pruning.
const PRUNE_CHUNK: u64 = 5_000;

#[derive(sqlx::FromRow)]
struct DeliveryRow {
    seq: i64,
    subscriber: String,
    outbox_id: String,
    subject_key: String,
    event_type: String,
    state: String,
    attempts: i64,
    created_at: String,
    next_attempt_at: Option<String>,
    retry_until: String,
    last_attempt_at: Option<String>,
    last_status: Option<i64>,
    last_error: Option<String>,
    delivered_at: Option<String>,
}

impl DeliveryRow {
    fn into_delivery(self) -> Result<WebhookDelivery, StoreError> {
        let what = format!("the delivery of {} to {}", self.outbox_id, self.subscriber);
        self.parse().map_err(|source| unreadable(what, source))
    }

    fn parse(self) -> Result<WebhookDelivery, Cause> {
        Ok(WebhookDelivery {
            seq: self.seq,
            outbox_id: OutboxId::parse(&self.outbox_id)?,
            subject_key: SubjectKey::parse(&self.subject_key)?,
            event_type: self.event_type,
            state: DeliveryState::parse(&self.state).ok_or("not a delivery state")?,
            attempts: u32::try_from(self.attempts)?,
            created_at: timestamp::from_text(&self.created_at)?,
            next_attempt_at: optional_time(self.next_attempt_at)?,
            retry_until: timestamp::from_text(&self.retry_until)?,
            last_attempt_at: optional_time(self.last_attempt_at)?,
            last_status: self.last_status.map(u16::try_from).transpose()?,
            last_error: self.last_error,
            delivered_at: optional_time(self.delivered_at)?,
            subscriber: self.subscriber,
        })
    }
}

impl Store {
    async fn delivery(
        &self,
        subscriber: &str,
        outbox_id: &OutboxId,
    ) -> Result<Option<WebhookDelivery>, StoreError> {
        let row: Option<DeliveryRow> = sqlx::query_as(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d \
             JOIN outbox o ON o.outbox_id = d.outbox_id \
             WHERE d.subscriber = $1 AND d.outbox_id = $2"
        ))
        .bind(subscriber)
        .bind(outbox_id.as_str())
        .fetch_optional(self.writer())
        .await
        .map_err(|source| classify("reading a webhook delivery", source))?;
        row.map(DeliveryRow::into_delivery).transpose()
    }
}

#[async_trait]
impl WebhookBackend for Store {
    async fn webhook_unseen(
        &self,
        subscriber: &str,
        limit: u32,
    ) -> Result<Vec<OutboxRow>, StoreError> {
        let rows: Vec<OutboxSqlRow> = sqlx::query_as(&format!(
            "SELECT outbox_id, subject_key, command_id, event_type, payload, traceparent, \
             created_at, published_at FROM outbox WHERE NOT EXISTS \
             (SELECT 1 FROM webhook_deliveries d WHERE d.subscriber = $1 \
              AND d.outbox_id = outbox.outbox_id) \
             ORDER BY {OUTBOX_ORDER} LIMIT $2"
        ))
        .bind(subscriber)
        .bind(i64::from(limit))
        .fetch_all(self.readers())
        .await
        .map_err(|source| classify("reading outbox events for a webhook", source))?;
        rows.into_iter()
            .map(|row| {
                let what = format!("outbox event {}", row.outbox_id);
                row.parse().map_err(|source| unreadable(what, source))
            })
            .collect()
    }

    async fn add_webhook_deliveries(
        &self,
        subscriber: &str,
        deliveries: &[NewDelivery],
        now: DateTime<Utc>,
        retry_until: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let now = time_text(now);
        let until = time_text(retry_until);
        let mut query = QueryBuilder::<Db>::new(
            "INSERT INTO webhook_deliveries (subscriber, outbox_id, subject_key, state, \
             attempts, created_at, next_attempt_at, retry_until) ",
        );
        query.push_values(deliveries, |mut row, delivery| {
            let (state, next) = if delivery.filtered {
                (DeliveryState::Filtered, None)
            } else {
                (DeliveryState::Pending, Some(now.clone()))
            };
            row.push_bind(subscriber.to_owned())
                .push_bind(delivery.outbox_id.as_str().to_owned())
                .push_bind(delivery.subject_key.as_str().to_owned())
                .push_bind(state.as_str())
                .push_bind(0_i64)
                .push_bind(now.clone())
                .push_bind(next)
                .push_bind(until.clone());
        });
        query.push(" ON CONFLICT (subscriber, outbox_id) DO NOTHING");
        query
            .build()
            .execute(self.writer())
            .await
            .map_err(|source| classify("recording webhook deliveries", source))?;
        Ok(())
    }

    async fn webhook_pending(
        &self,
        subscriber: &str,
        limit: u32,
    ) -> Result<Vec<PendingDelivery>, StoreError> {
        let deliveries: Vec<DeliveryRow> = sqlx::query_as(&format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d \
             JOIN outbox o ON o.outbox_id = d.outbox_id \
             WHERE d.subscriber = $1 AND d.state = 'pending' ORDER BY d.seq LIMIT $2"
        ))
        .bind(subscriber)
        .bind(i64::from(limit))
        .fetch_all(self.readers())
        .await
        .map_err(|source| classify("reading pending webhook deliveries", source))?;
        let mut pending = Vec::with_capacity(deliveries.len());
        for row in deliveries {
            let delivery = row.into_delivery()?;
            // Pruning deletes an event's deliveries with it, so the event is there.
            if let Some(event) = self.outbox_event(&delivery.outbox_id).await? {
                pending.push(PendingDelivery { delivery, event });
            }
        }
        Ok(pending)
    }

    async fn record_webhook_attempt(
        &self,
        subscriber: &str,
        outbox_id: &OutboxId,
        attempt: &Attempt,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let now = time_text(now);
        let (state, next, status, error, delivered) = match attempt {
            Attempt::Delivered { status } => (
                DeliveryState::Delivered,
                None,
                Some(*status),
                None,
                Some(now.clone()),
            ),
            Attempt::Retry {
                status,
                error,
                next_attempt_at,
            } => (
                DeliveryState::Pending,
                Some(time_text(*next_attempt_at)),
                *status,
                Some(error.clone()),
                None,
            ),
            Attempt::GaveUp { status, error } => (
                DeliveryState::Failed,
                None,
                *status,
                Some(error.clone()),
                None,
            ),
        };
        let changed = sqlx::query(
            "UPDATE webhook_deliveries SET state = $1, attempts = attempts + 1, \
             next_attempt_at = $2, last_attempt_at = $3, last_status = $4, last_error = $5, \
             delivered_at = COALESCE($6, delivered_at) \
             WHERE subscriber = $7 AND outbox_id = $8 AND state = 'pending'",
        )
        .bind(state.as_str())
        .bind(next)
        .bind(&now)
        .bind(status.map(i64::from))
        .bind(error)
        .bind(delivered)
        .bind(subscriber)
        .bind(outbox_id.as_str())
        .execute(self.writer())
        .await
        .map_err(|source| classify("recording a webhook attempt", source))?
        .rows_affected();
        Ok(changed > 0)
    }

    async fn webhook_deliveries(
        &self,
        filter: &DeliveryFilter,
    ) -> Result<Vec<WebhookDelivery>, StoreError> {
        let mut query = QueryBuilder::<Db>::new(format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries d \
             JOIN outbox o ON o.outbox_id = d.outbox_id WHERE d.seq > "
        ));
        query.push_bind(filter.after_seq.unwrap_or(0));
        if let Some(subscriber) = &filter.subscriber {
            query
                .push(" AND d.subscriber = ")
                .push_bind(subscriber.clone());
        }
        match filter.state {
            Some(state) => query.push(" AND d.state = ").push_bind(state.as_str()),
            None => query.push(" AND d.state <> 'filtered'"),
        };
        if let Some(subject) = &filter.subject {
            query
                .push(" AND d.subject_key = ")
                .push_bind(subject.as_str().to_owned());
        }
        query
            .push(" ORDER BY d.seq LIMIT ")
            .push_bind(i64::from(filter.limit));
        let rows: Vec<DeliveryRow> = query
            .build_query_as()
            .fetch_all(self.readers())
            .await
            .map_err(|source| classify("listing webhook deliveries", source))?;
        rows.into_iter().map(DeliveryRow::into_delivery).collect()
    }

    async fn replay_webhook_delivery(
        &self,
        subscriber: &str,
        outbox_id: &OutboxId,
        now: DateTime<Utc>,
        retry_until: DateTime<Utc>,
    ) -> Result<Option<WebhookDelivery>, StoreError> {
        let now = time_text(now);
        let changed = sqlx::query(
            "UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = $1, \
             retry_until = $2 WHERE subscriber = $3 AND outbox_id = $4 \
             AND state IN ('delivered', 'failed')",
        )
        .bind(&now)
        .bind(time_text(retry_until))
        .bind(subscriber)
        .bind(outbox_id.as_str())
        .execute(self.writer())
        .await
        .map_err(|source| classify("replaying a webhook delivery", source))?
        .rows_affected();
        let delivery = self.delivery(subscriber, outbox_id).await?;
        Ok(delivery.filter(|d| changed > 0 || d.state == DeliveryState::Pending))
    }

    async fn webhook_subscribers(&self) -> Result<Vec<SubscriberStatus>, StoreError> {
        let rows: Vec<(String, String, Option<String>, String)> = sqlx::query_as(
            "SELECT subscriber, state, reason, changed_at FROM webhook_subscribers \
             ORDER BY subscriber",
        )
        .fetch_all(self.readers())
        .await
        .map_err(|source| classify("reading webhook subscribers", source))?;
        rows.into_iter()
            .map(|(subscriber, state, reason, changed_at)| {
                let what = format!("webhook subscriber {subscriber}");
                let parsed: Result<SubscriberStatus, Cause> = (|| {
                    Ok(SubscriberStatus {
                        state: subscriber_state(&state).ok_or("not a subscriber state")?,
                        reason,
                        changed_at: timestamp::from_text(&changed_at)?,
                        subscriber,
                    })
                })();
                parsed.map_err(|source| unreadable(what, source))
            })
            .collect()
    }

    async fn set_webhook_subscriber(
        &self,
        subscriber: &str,
        state: SubscriberState,
        reason: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let changed = sqlx::query(
            "INSERT INTO webhook_subscribers (subscriber, state, reason, changed_at) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (subscriber) DO UPDATE \
             SET state = excluded.state, reason = excluded.reason, \
             changed_at = excluded.changed_at WHERE webhook_subscribers.state <> excluded.state",
        )
        .bind(subscriber)
        .bind(state.as_str())
        .bind(reason)
        .bind(time_text(now))
        .execute(self.writer())
        .await
        .map_err(|source| classify("recording a webhook subscriber's state", source))?
        .rows_affected();
        Ok(changed > 0)
    }

    async fn prune_outbox_delivered(
        &self,
        older_than: DateTime<Utc>,
        published_only: bool,
        subscribers: &[String],
    ) -> Result<u64, StoreError> {
        let cut_off = time_text(older_than);
        let mut deleted = 0;
        loop {
            let mut query = QueryBuilder::<Db>::new(
                "DELETE FROM outbox WHERE outbox_id IN (SELECT outbox_id FROM outbox o \
                 WHERE o.created_at < ",
            );
            query.push_bind(cut_off.clone());
            if published_only {
                query.push(" AND o.published_at IS NOT NULL");
            }
            if !subscribers.is_empty() {
                query.push(
                    " AND (SELECT COUNT(*) FROM webhook_deliveries d \
                     WHERE d.outbox_id = o.outbox_id AND d.state <> 'pending' \
                     AND d.subscriber IN (",
                );
                let mut list = query.separated(", ");
                for subscriber in subscribers {
                    list.push_bind(subscriber.clone());
                }
                list.push_unseparated(")) = ");
                query.push_bind(subscribers.len() as i64);
            }
            query.push(format!(" LIMIT {PRUNE_CHUNK})"));
            let chunk = query
                .build()
                .execute(self.writer())
                .await
                .map_err(|source| classify("pruning delivered outbox events", source))?
                .rows_affected();
            deleted += chunk;
            if chunk < PRUNE_CHUNK {
                break;
            }
        }
        sqlx::query(
            "DELETE FROM webhook_deliveries WHERE NOT EXISTS \
             (SELECT 1 FROM outbox o WHERE o.outbox_id = webhook_deliveries.outbox_id)",
        )
        .execute(self.writer())
        .await
        .map_err(|source| classify("pruning webhook deliveries", source))?;
        Ok(deleted)
    }
}
