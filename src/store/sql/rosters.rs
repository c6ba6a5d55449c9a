//! Rosters: who has access from which source, the absences a roster starts and ends, and the
//! runs with their reports.

use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;

use super::row::{Cause, unreadable};
use super::{Db, Store, classify, time_text};
use crate::domain::{CommandId, SubjectKey};
use crate::store::error::StoreError;
use crate::store::rosters::{Absence, RosterRun, RosterRunWrite, WithAccess};
use crate::store::timestamp;

const RECORDING: &str = "recording a roster run";

const ABSENCE_COLUMNS: &str = "subject_key, source, first_missing_at, due_at, run_id, command_id";

const RUN_COLUMNS: &str = "run_id, source, origin, actor, verdict, reason, report, created_at";

#[derive(sqlx::FromRow)]
struct AbsenceRow {
    subject_key: String,
    source: String,
    first_missing_at: String,
    due_at: String,
    run_id: String,
    command_id: Option<String>,
}

impl AbsenceRow {
    fn into_absence(self) -> Result<Absence, StoreError> {
        let what = format!("the roster absence of {}", self.subject_key);
        self.parse().map_err(|source| unreadable(what, source))
    }

    fn parse(self) -> Result<Absence, Cause> {
        let command_id = match self.command_id {
            Some(id) => Some(CommandId::parse(&id).ok_or("not a command id")?),
            None => None,
        };
        Ok(Absence {
            subject: SubjectKey::parse(&self.subject_key)?,
            source: self.source,
            first_missing_at: timestamp::from_text(&self.first_missing_at)?,
            due_at: timestamp::from_text(&self.due_at)?,
            run_id: self.run_id,
            command_id,
        })
    }
}

#[derive(sqlx::FromRow)]
struct RunRow {
    run_id: String,
    source: String,
    origin: String,
    actor: String,
    verdict: String,
    reason: Option<String>,
    report: String,
    created_at: String,
}

impl RunRow {
    fn into_run(self) -> Result<RosterRun, StoreError> {
        let what = format!("roster run {}", self.run_id);
        let report = serde_json::from_str(&self.report)
            .map_err(|source| unreadable(what.clone(), source))?;
        let created_at =
            timestamp::from_text(&self.created_at).map_err(|source| unreadable(what, source))?;
        Ok(RosterRun {
            run_id: self.run_id,
            source: self.source,
            origin: self.origin,
            actor: self.actor,
            verdict: self.verdict,
            reason: self.reason,
            report,
            created_at,
        })
    }
}

impl Store {
    /// Every provisioned subject with the source that gave the access (the first source for
    /// records older than `access_source`).
    pub(crate) async fn subjects_with_access(&self) -> Result<Vec<WithAccess>, StoreError> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT subject_key, COALESCE(access_source, source) FROM subjects \
             WHERE state = 'provisioned' ORDER BY subject_key",
        )
        .fetch_all(self.readers())
        .await
        .map_err(|source| classify("reading who has access", source))?;
        rows.into_iter()
            .map(|(key, access_source)| {
                let subject = SubjectKey::parse(&key)
                    .map_err(|source| unreadable(format!("subject {key}"), source))?;
                Ok(WithAccess {
                    subject,
                    access_source,
                })
            })
            .collect()
    }

    /// The absences recorded for `source`.
    pub(crate) async fn roster_absences(&self, source: &str) -> Result<Vec<Absence>, StoreError> {
        let rows: Vec<AbsenceRow> = sqlx::query_as(&format!(
            "SELECT {ABSENCE_COLUMNS} FROM roster_absences WHERE source = $1 ORDER BY subject_key"
        ))
        .bind(source)
        .fetch_all(self.readers())
        .await
        .map_err(|source| classify("reading a roster's absences", source))?;
        rows.into_iter().map(AbsenceRow::into_absence).collect()
    }

    /// The run's row, the absences it starts (an existing one keeps its first time) and ends,
    /// in one transaction.
    pub(crate) async fn record_roster_run(&self, write: &RosterRunWrite) -> Result<(), StoreError> {
        let fail = |source| classify(RECORDING, source);
        let run = &write.run;
        let report =
            serde_json::to_string(&run.report).map_err(|source| StoreError::Unwritable {
                what: format!("the report of roster run {}", run.run_id),
                source,
            })?;
        let mut transaction = self.begin_write(RECORDING).await?;
        sqlx::query(&format!(
            "INSERT INTO roster_runs ({RUN_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
        ))
        .bind(&run.run_id)
        .bind(&run.source)
        .bind(&run.origin)
        .bind(&run.actor)
        .bind(&run.verdict)
        .bind(run.reason.as_deref())
        .bind(&report)
        .bind(time_text(run.created_at))
        .execute(&mut *transaction)
        .await
        .map_err(fail)?;
        for absence in &write.missing {
            sqlx::query(&format!(
                "INSERT INTO roster_absences ({ABSENCE_COLUMNS}) VALUES ($1, $2, $3, $4, $5, NULL) \
                 ON CONFLICT (subject_key) DO NOTHING"
            ))
            .bind(absence.subject.as_str())
            .bind(&absence.source)
            .bind(time_text(absence.first_missing_at))
            .bind(time_text(absence.due_at))
            .bind(&absence.run_id)
            .execute(&mut *transaction)
            .await
            .map_err(fail)?;
        }
        for subject in &write.cleared {
            sqlx::query("DELETE FROM roster_absences WHERE subject_key = $1 AND source = $2")
                .bind(subject.as_str())
                .bind(&run.source)
                .execute(&mut *transaction)
                .await
                .map_err(fail)?;
        }
        transaction.commit().await.map_err(fail)
    }

    /// Absences due by `now` with nothing enqueued yet.
    pub(crate) async fn due_absences(
        &self,
        source: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<Vec<Absence>, StoreError> {
        let mut query = QueryBuilder::<Db>::new(format!(
            "SELECT {ABSENCE_COLUMNS} FROM roster_absences WHERE command_id IS NULL AND due_at <= "
        ));
        query.push_bind(time_text(now));
        if let Some(source) = source {
            query.push(" AND source = ").push_bind(source.to_owned());
        }
        query.push(" ORDER BY due_at, subject_key");
        let rows: Vec<AbsenceRow> = query
            .build_query_as()
            .fetch_all(self.readers())
            .await
            .map_err(|source| classify("reading the absences due", source))?;
        rows.into_iter().map(AbsenceRow::into_absence).collect()
    }

    /// Records the command enqueued for an absence.
    pub(crate) async fn mark_absence_acted(
        &self,
        subject: &SubjectKey,
        command_id: &CommandId,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE roster_absences SET command_id = $1 WHERE subject_key = $2")
            .bind(command_id.as_str())
            .bind(subject.as_str())
            .execute(self.writer())
            .await
            .map_err(|source| classify("recording a roster deprovision", source))?;
        Ok(())
    }

    /// Deletes the absence of `subject` from `source`.
    pub(crate) async fn clear_absence(
        &self,
        subject: &SubjectKey,
        source: &str,
    ) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM roster_absences WHERE subject_key = $1 AND source = $2")
            .bind(subject.as_str())
            .bind(source)
            .execute(self.writer())
            .await
            .map_err(|source| classify("ending a roster absence", source))?;
        Ok(())
    }

    /// One run by id.
    pub(crate) async fn roster_run(&self, run_id: &str) -> Result<Option<RosterRun>, StoreError> {
        let row: Option<RunRow> = sqlx::query_as(&format!(
            "SELECT {RUN_COLUMNS} FROM roster_runs WHERE run_id = $1"
        ))
        .bind(run_id)
        .fetch_optional(self.readers())
        .await
        .map_err(|source| classify("reading a roster run", source))?;
        row.map(RunRow::into_run).transpose()
    }

    /// The newest runs of `source`, newest first (run ids sort by time).
    pub(crate) async fn roster_runs(
        &self,
        source: &str,
        limit: u32,
    ) -> Result<Vec<RosterRun>, StoreError> {
        let rows: Vec<RunRow> = sqlx::query_as(&format!(
            "SELECT {RUN_COLUMNS} FROM roster_runs WHERE source = $1 ORDER BY run_id DESC LIMIT $2"
        ))
        .bind(source)
        .bind(i64::from(limit))
        .fetch_all(self.readers())
        .await
        .map_err(|source| classify("listing roster runs", source))?;
        rows.into_iter().map(RunRow::into_run).collect()
    }
}
