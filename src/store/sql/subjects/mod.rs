//! The lifecycle records and their history.

mod adopt;
mod history;
mod writes;

pub(super) use history::append_history;
pub(super) use writes::{account_ref_text, apply_intent, ensure_subject, record_findings};

use std::collections::HashMap;

use super::{Connection, Db};
use sqlx::QueryBuilder;

use super::row::{Cause, optional_time, unreadable};
use super::{Store, classify};
use crate::domain::SubjectKey;
use crate::store::error::StoreError;
use crate::store::subjects::{SubjectFilter, SubjectLifecycle, SubjectRecord};
use crate::store::timestamp;

/// Every column [`SubjectRow`] reads, in its order.
const SUBJECT_COLUMNS: &str = "subject_key, source, purpose, sponsor, account_ref, account_id, \
     contact_id, user_id, username, nickname, licence, state, deactivation_trigger, end_at, \
     welcome_email, pending_email, last_applied_source_time, created_at, updated_at, access_source";

#[derive(sqlx::FromRow)]
struct SubjectRow {
    subject_key: String,
    source: String,
    purpose: Option<String>,
    sponsor: Option<String>,
    account_ref: Option<String>,
    account_id: Option<String>,
    contact_id: Option<String>,
    user_id: Option<String>,
    username: Option<String>,
    nickname: Option<String>,
    licence: Option<String>,
    state: String,
    deactivation_trigger: Option<String>,
    end_at: Option<String>,
    welcome_email: Option<String>,
    pending_email: Option<String>,
    last_applied_source_time: Option<String>,
    created_at: String,
    updated_at: String,
    access_source: Option<String>,
}

impl SubjectRow {
    fn into_record(self) -> Result<SubjectRecord, StoreError> {
        let what = format!("subject {}", self.subject_key);
        self.parse().map_err(|source| unreadable(what, source))
    }

    fn parse(self) -> Result<SubjectRecord, Cause> {
        Ok(SubjectRecord {
            subject_key: SubjectKey::parse(&self.subject_key)?,
            source: self.source,
            purpose: self.purpose,
            sponsor: self.sponsor,
            account_ref: self.account_ref,
            account_id: self.account_id,
            contact_id: self.contact_id,
            user_id: self.user_id,
            username: self.username,
            nickname: self.nickname,
            licence: self.licence,
            state: self.state.parse()?,
            deactivation_trigger: self.deactivation_trigger,
            end_at: optional_time(self.end_at)?,
            welcome_email: self.welcome_email.as_deref().map(str::parse).transpose()?,
            pending_email: self.pending_email,
            last_applied_source_time: optional_time(self.last_applied_source_time)?,
            created_at: timestamp::from_text(&self.created_at)?,
            updated_at: timestamp::from_text(&self.updated_at)?,
            access_source: self.access_source,
        })
    }
}

/// The subject's record, read on the given connection.
pub(super) async fn load_subject(
    connection: &mut Connection,
    subject: &SubjectKey,
) -> Result<Option<SubjectRecord>, StoreError> {
    let row: Option<SubjectRow> = sqlx::query_as(&format!(
        "SELECT {SUBJECT_COLUMNS} FROM subjects WHERE subject_key = $1"
    ))
    .bind(subject.as_str())
    .fetch_optional(&mut *connection)
    .await
    .map_err(|source| classify("reading a subject", source))?;
    row.map(SubjectRow::into_record).transpose()
}

/// The records of `subjects`, read on the given connection, by subject key; unknown subjects
/// are missing from the answer.
pub(super) async fn load_subjects(
    connection: &mut Connection,
    subjects: &[&SubjectKey],
) -> Result<HashMap<String, SubjectRecord>, StoreError> {
    let mut records = HashMap::with_capacity(subjects.len());
    if subjects.is_empty() {
        return Ok(records);
    }
    let mut query = QueryBuilder::<Db>::new(format!(
        "SELECT {SUBJECT_COLUMNS} FROM subjects WHERE subject_key IN ("
    ));
    let mut list = query.separated(", ");
    for subject in subjects {
        list.push_bind(subject.as_str().to_owned());
    }
    query.push(")");
    let rows: Vec<SubjectRow> = query
        .build_query_as()
        .fetch_all(&mut *connection)
        .await
        .map_err(|source| classify("reading subjects", source))?;
    for row in rows {
        let record = row.into_record()?;
        records.insert(record.subject_key.as_str().to_owned(), record);
    }
    Ok(records)
}

impl Store {
    /// The record and its history, read in one transaction so they agree with each other.
    pub(crate) async fn get_subject(
        &self,
        subject: &SubjectKey,
    ) -> Result<Option<SubjectLifecycle>, StoreError> {
        let fail = |source| classify("reading a subject", source);
        let mut snapshot = self.begin_snapshot().await.map_err(fail)?;
        let Some(record) = load_subject(&mut snapshot, subject).await? else {
            return Ok(None);
        };
        let history = history::load_history(&mut snapshot, subject).await?;
        snapshot.commit().await.map_err(fail)?;
        Ok(Some(SubjectLifecycle { record, history }))
    }

    /// The subject's last applied source time, `None` for a subject nothing was applied to yet
    /// (or an unknown one).
    pub(crate) async fn last_applied(
        &self,
        subject: &SubjectKey,
    ) -> Result<Option<chrono::DateTime<chrono::Utc>>, StoreError> {
        let text: Option<Option<String>> = sqlx::query_scalar(
            "SELECT last_applied_source_time FROM subjects WHERE subject_key = $1",
        )
        .bind(subject.as_str())
        .fetch_optional(self.readers())
        .await
        .map_err(|source| classify("reading a subject's last applied time", source))?;
        optional_time(text.flatten())
            .map_err(|source| unreadable(format!("subject {subject}"), source))
    }

    /// One page of records in key order.
    pub(crate) async fn list_subjects(
        &self,
        filter: &SubjectFilter,
    ) -> Result<Vec<SubjectRecord>, StoreError> {
        if filter.capped_limit() == 0 {
            return Ok(Vec::new());
        }
        let mut query = QueryBuilder::<Db>::new(format!(
            "SELECT {SUBJECT_COLUMNS} FROM subjects WHERE 1 = 1"
        ));
        if let Some(state) = filter.state {
            query.push(" AND state = ").push_bind(state.as_str());
        }
        if let Some(after) = &filter.after {
            query
                .push(" AND subject_key > ")
                .push_bind(after.as_str().to_owned());
        }
        query
            .push(" ORDER BY subject_key LIMIT ")
            .push_bind(i64::from(filter.capped_limit()));
        let rows: Vec<SubjectRow> = query
            .build_query_as()
            .fetch_all(self.readers())
            .await
            .map_err(|source| classify("listing subjects", source))?;
        rows.into_iter().map(SubjectRow::into_record).collect()
    }
}
