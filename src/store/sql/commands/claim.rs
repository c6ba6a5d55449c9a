//! Handing due commands to a worker, and taking them back when the worker is gone.
//!
//! Per subject, commands run one at a time in source order. A command may be claimed when it is
//! due and *unblocked*: no command of its subject is running, and no older one (earlier source
//! time, or the same source time and enqueued earlier) is retrying or will be due no later than
//! it. So one event's provision runs before the deprovision scheduled for its end date, even
//! while the provision waits out a retry; but a deprovision scheduled for next month does not
//! hold back a command that is due today. Parked commands hold nothing back: they wait for a
//! licence, perhaps for days, and a newer event supersedes them anyway.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::super::{Connection, Db};
use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::QueryBuilder;

use super::super::row::{optional_time, unreadable};
use super::super::subjects::load_subjects;
use super::super::{Store, classify, time_text};
use super::waiting::claim_held;
use super::{COMMAND_COLUMNS, FencedRow, state_list, token_value};
use crate::domain::{CommandId, SubjectKey};
use crate::store::backend::ClaimRequest;
use crate::store::commands::{Claim, ClaimedCommand, CommandState, FencingToken};
use crate::store::error::StoreError;
use crate::store::subjects::HistoryKind;
use crate::store::timestamp;

/// The condition on `commands c` that makes it claimable once due (see the module comment).
/// It does not depend on the time, so the earliest due time among the commands it admits is
/// exactly when the next claim can succeed.
static UNBLOCKED: LazyLock<String> = LazyLock::new(|| {
    let claimable = state_list(&CommandState::CLAIMABLE);
    format!(
        "c.state IN ({claimable}) \
         AND NOT EXISTS (SELECT 1 FROM commands r WHERE r.subject_key = c.subject_key \
             AND r.state = '{running}') \
         AND NOT EXISTS (SELECT 1 FROM commands o WHERE o.subject_key = c.subject_key \
             AND o.state IN ({claimable}) \
             AND (o.source_time < c.source_time \
                  OR (o.source_time = c.source_time AND o.seq < c.seq)) \
             AND (o.state = '{retrying}' OR o.due_at <= c.due_at))",
        running = CommandState::Running.as_str(),
        retrying = CommandState::Retrying.as_str(),
    )
});

/// Due, unblocked commands, the oldest of each subject only, oldest source time first.
static CLAIM_CANDIDATES: LazyLock<String> = LazyLock::new(|| {
    format!(
        "SELECT command_id FROM (\
             SELECT c.command_id, c.source_time, c.seq, ROW_NUMBER() OVER \
                 (PARTITION BY c.subject_key ORDER BY c.source_time, c.seq) AS place \
             FROM commands c WHERE {unblocked} AND c.due_at <= $1\
         ) heads WHERE place = 1 ORDER BY source_time, seq LIMIT $2",
        unblocked = *UNBLOCKED
    )
});

/// Commands claimed by one statement: a big claim is a few statements, not two per command,
/// and the parameters stay far below both databases' limits (SQLite's 32,766, PostgreSQL's
/// 65,535).
const CLAIM_CHUNK: usize = 500;

impl Store {
    /// Claims up to `limit` due commands for `worker` until `now + lease`, one claim per
    /// command.
    pub(crate) async fn claim(&self, request: ClaimRequest<'_>) -> Result<Vec<Claim>, StoreError> {
        let ClaimRequest {
            now,
            limit,
            worker,
            lease,
        } = request;
        let fail = |source| classify("claiming due commands", source);
        let claimed_until = now
            .checked_add_signed(lease)
            .filter(|until| timestamp::is_storable(*until) && timestamp::is_storable(now))
            .ok_or(StoreError::InvalidTime("the end of the claim"))?;
        if limit == 0 {
            return Ok(Vec::new());
        }
        let mut transaction = self.begin_write("claiming due commands").await?;
        let ids: Vec<String> = sqlx::query_scalar(&CLAIM_CANDIDATES)
            .bind(time_text(now))
            .bind(i64::from(limit))
            .fetch_all(&mut *transaction)
            .await
            .map_err(fail)?;
        let mut claimed = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(CLAIM_CHUNK) {
            let held = (worker, claimed_until, now);
            claimed.extend(claim_chunk(&mut transaction, chunk, held).await?);
        }
        transaction.commit().await.map_err(fail)?;
        Ok(claimed)
    }

    /// Extends the claim held under `fence` to `until`; [`StoreError::ClaimLost`] when the
    /// command is no longer running under it.
    pub(crate) async fn renew(
        &self,
        command_id: &CommandId,
        fence: FencingToken,
        until: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if !timestamp::is_storable(until) {
            return Err(StoreError::InvalidTime("the end of the claim"));
        }
        let fail = |source| classify("renewing a claim", source);
        let mut transaction = self.begin_write("renewing a claim").await?;
        let changed = renew_in(&mut transaction, command_id, fence, &time_text(until)).await?;
        claim_held(changed, command_id, fence)?;
        transaction.commit().await.map_err(fail)
    }

    /// The earliest time a claim can succeed; `None` when nothing waits that time alone will
    /// make claimable.
    pub(crate) async fn next_due_at(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let text: Option<String> = sqlx::query_scalar(&format!(
            "SELECT MIN(c.due_at) FROM commands c WHERE {}",
            *UNBLOCKED
        ))
        .fetch_one(self.readers())
        .await
        .map_err(|source| classify("reading the next due time", source))?;
        optional_time(text).map_err(|source| unreadable("the next due time", source))
    }

    /// Puts running commands whose claim ended before `now` back to `queued`.
    pub(crate) async fn release_expired_claims(
        &self,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        if !timestamp::is_storable(now) {
            return Err(StoreError::InvalidTime("the time claims are released at"));
        }
        self.release(
            " AND claimed_until < ",
            time_text(now),
            now,
            "claim expired",
        )
        .await
    }

    /// Puts every command `worker` holds back to `queued`: at start-up, whatever this worker id
    /// was running when the previous process stopped.
    pub(crate) async fn release_claims_of(
        &self,
        worker: &str,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        self.release(
            " AND claimed_by = ",
            worker.to_owned(),
            now,
            "worker restarted",
        )
        .await
    }

    /// Releases the running commands matching `condition` bound to `value`, recording why in
    /// each subject's history at `now`. The commands keep their due time (already past) and
    /// attempts.
    async fn release(
        &self,
        condition: &'static str,
        value: String,
        now: DateTime<Utc>,
        why: &'static str,
    ) -> Result<u64, StoreError> {
        let fail = |source| classify("releasing claimed commands", source);
        let now = time_text(now);
        let detail = json!({ "state": CommandState::Queued, "released": why }).to_string();
        let mut transaction = self.begin_write("releasing claimed commands").await?;
        let mut history = QueryBuilder::<Db>::new(
            "INSERT INTO subject_history (subject_key, at, kind, command_id, actor, detail) \
             SELECT subject_key, ",
        );
        history
            .push_bind(now.clone())
            .push(", ")
            .push_bind(HistoryKind::Progress.as_str())
            .push(", command_id, NULL, ")
            .push_bind(detail)
            .push(" FROM commands WHERE state = ")
            .push_bind(CommandState::Running.as_str())
            .push(condition)
            .push_bind(value.clone());
        history
            .build()
            .execute(&mut *transaction)
            .await
            .map_err(fail)?;
        let mut release = QueryBuilder::<Db>::new("UPDATE commands SET state = ");
        release
            .push_bind(CommandState::Queued.as_str())
            .push(", claimed_by = NULL, claimed_until = NULL, updated_at = ")
            .push_bind(now)
            .push(" WHERE state = ")
            .push_bind(CommandState::Running.as_str())
            .push(condition)
            .push_bind(value);
        let released = release
            .build()
            .execute(&mut *transaction)
            .await
            .map_err(fail)?
            .rows_affected();
        transaction.commit().await.map_err(fail)?;
        Ok(released)
    }
}

/// Extends the claim of `command_id` to `until` (stored text) if it is still running under
/// `fence`; answers how many rows changed (1, or 0 when the claim is not held).
pub(super) async fn renew_in(
    connection: &mut Connection,
    command_id: &CommandId,
    fence: FencingToken,
    until: &str,
) -> Result<u64, StoreError> {
    Ok(sqlx::query(
        "UPDATE commands SET claimed_until = $1 \
         WHERE command_id = $2 AND state = $3 AND claim_token = $4",
    )
    .bind(until)
    .bind(command_id.as_str())
    .bind(CommandState::Running.as_str())
    .bind(token_value(fence))
    .execute(&mut *connection)
    .await
    .map_err(|source| classify("renewing a claim", source))?
    .rows_affected())
}

/// Claims the commands `ids` (due and unblocked, read in this transaction) for `worker` until
/// `until` at `now`: one statement raises their tokens and attempts, one reads their subjects'
/// records. Answers a claim per command, in the order of `ids`.
async fn claim_chunk(
    connection: &mut Connection,
    ids: &[String],
    (worker, until, now): (&str, DateTime<Utc>, DateTime<Utc>),
) -> Result<Vec<Claim>, StoreError> {
    let fail = |source| classify("claiming due commands", source);
    let mut update = QueryBuilder::<Db>::new("UPDATE commands SET state = ");
    update
        .push_bind(CommandState::Running.as_str())
        .push(", claimed_by = ")
        .push_bind(worker.to_owned())
        .push(", claimed_until = ")
        .push_bind(time_text(until))
        .push(", attempts = attempts + 1, claim_token = claim_token + 1, updated_at = ")
        .push_bind(time_text(now))
        .push(" WHERE command_id IN (");
    let mut list = update.separated(", ");
    for id in ids {
        list.push_bind(id.clone());
    }
    update.push(format!(") RETURNING {COMMAND_COLUMNS}, claim_token"));
    let rows: Vec<FencedRow> = update
        .build_query_as()
        .fetch_all(&mut *connection)
        .await
        .map_err(fail)?;
    let mut records = HashMap::with_capacity(rows.len());
    for row in rows {
        let (record, fence) = row.into_parts()?;
        records.insert(record.command.id.as_str().to_owned(), (record, fence));
    }
    let keys: Vec<&SubjectKey> = records.values().map(|(r, _)| &r.command.subject).collect();
    let mut subjects = load_subjects(connection, &keys).await?;
    let mut claimed = Vec::with_capacity(ids.len());
    for id in ids {
        let unreadable_claim = |why| unreadable(format!("command {id}"), why);
        let (record, fence) = records
            .remove(id)
            .ok_or_else(|| unreadable_claim("it vanished while it was claimed"))?;
        // A claim takes at most one command of a subject, so each record is taken once.
        let subject = subjects
            .remove(record.command.subject.as_str())
            .ok_or_else(|| unreadable_claim("its subject has no lifecycle record"))?;
        claimed.push(Claim::new(
            fence,
            vec![ClaimedCommand {
                command: record.command,
                attempts: record.attempts,
                progress: record.progress,
                subject,
                fence,
            }],
        ));
    }
    Ok(claimed)
}
