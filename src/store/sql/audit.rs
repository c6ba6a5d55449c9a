//! The operators' audit trail: one row per request, listed newest first.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use super::row::unreadable;
use super::{Db, Store, classify, time_text};
use crate::store::audit::{AuditBackend, AuditEntry, AuditFilter, NewAuditEntry};
use crate::store::error::StoreError;
use crate::store::timestamp;

type AuditRow = (
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

#[async_trait]
impl AuditBackend for Store {
    async fn record_audit(
        &self,
        entry: &NewAuditEntry,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        sqlx::query_scalar(
            "INSERT INTO audit (at, actor, roles, action, target, reason, subject_key, personal) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING seq",
        )
        .bind(time_text(now))
        .bind(&entry.actor)
        .bind(&entry.roles)
        .bind(&entry.action)
        .bind(&entry.target)
        .bind(&entry.reason)
        .bind(&entry.subject_key)
        .bind(entry.personal.as_ref().map(serde_json::Value::to_string))
        .fetch_one(self.writer())
        .await
        .map_err(|source| classify("recording an operator's request in the audit trail", source))
    }

    async fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        let mut query = QueryBuilder::<Db>::new(
            "SELECT seq, at, actor, roles, action, target, reason, subject_key, personal \
             FROM audit WHERE 1 = 1",
        );
        if let Some(actor) = &filter.actor {
            query.push(" AND actor = ").push_bind(actor.clone());
        }
        if let Some(subject) = &filter.subject {
            query.push(" AND subject_key = ").push_bind(subject.clone());
        }
        if let Some(before) = filter.before {
            query.push(" AND seq < ").push_bind(before);
        }
        query
            .push(" ORDER BY seq DESC LIMIT ")
            .push_bind(i64::from(filter.limit));
        let rows: Vec<AuditRow> = query
            .build_query_as()
            .fetch_all(self.readers())
            .await
            .map_err(|source| classify("reading the audit trail", source))?;
        rows.into_iter().map(entry).collect()
    }
}

fn entry(row: AuditRow) -> Result<AuditEntry, StoreError> {
    let (seq, at, actor, roles, action, target, reason, subject_key, personal) = row;
    let what = || format!("audit entry {seq}");
    Ok(AuditEntry {
        at: timestamp::from_text(&at).map_err(|e| unreadable(what(), e))?,
        personal: personal
            .map(|text| serde_json::from_str(&text))
            .transpose()
            .map_err(|e| unreadable(what(), e))?,
        seq,
        actor,
        roles,
        action,
        target,
        reason,
        subject_key,
    })
}
