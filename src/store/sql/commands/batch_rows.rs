//! A batch's writes as multi-row statements: a few hundred items per statement, each row
//! fenced by its own token, so that PostgreSQL serves a batch in a few round trips rather than
//! several per item (SQLite runs the same statements, inside the process).
//!
//! The items reach here already judged held in this transaction (`batch.rs`), each command
//! once. Every row must then land: a row whose fenced update misses is a claim lost to a
//! writer the transaction did not exclude, and fails the whole batch, as one item's write does.

use serde_json::Value;
use sqlx::QueryBuilder;

use super::super::subjects::account_ref_text;
use super::super::{Connection, Db, classify, time_text};
use super::token_value;
use crate::domain::{CommandId, Intent, OutcomeKind};
use crate::store::commands::{CommandRecord, CommandState, FencingToken, Finish};
use crate::store::error::StoreError;
use crate::store::outbox::OutboxId;
use crate::store::subjects::{HistoryKind, SubjectState};

/// Items per statement: ten columns at most, far below both databases' parameter limits
/// (SQLite's 32,766, PostgreSQL's 65,535).
const ROWS: usize = 400;

/// One checkpoint of a command read as held.
pub(super) struct ProgressRow {
    pub(super) held: CommandRecord,
    pub(super) fence: FencingToken,
    pub(super) key: String,
    pub(super) value: Value,
}

/// One finish of a command read as held, with the outbox id its announcement gets.
pub(super) struct FinishRow {
    pub(super) held: CommandRecord,
    pub(super) finish: Finish,
    pub(super) outbox_id: OutboxId,
}

/// Extends each claim still held under its token to `until` (stored text); answers the
/// commands whose claim was not.
pub(super) async fn renew_rows(
    connection: &mut Connection,
    claims: &[(CommandId, FencingToken)],
    until: &str,
) -> Result<Vec<CommandId>, StoreError> {
    let mut lost = Vec::new();
    for chunk in claims.chunks(ROWS) {
        let mut query = QueryBuilder::<Db>::new("WITH v (id, token) AS (");
        query.push_values(chunk, |mut row, (id, fence)| {
            row.push_bind(id.as_str().to_owned())
                .push_bind(token_value(*fence));
        });
        query
            .push(") UPDATE commands SET claimed_until = ")
            .push_bind(until.to_owned());
        fenced_where(&mut query);
        let renewed = returned_ids(&mut query, connection, "renewing a batch's claims").await?;
        lost.extend(
            chunk
                .iter()
                .filter(|(id, _)| !renewed.contains(id.as_str()))
                .map(|(id, _)| id.clone()),
        );
    }
    Ok(lost)
}

/// Merges each checkpoint into its command's progress, with a history row each; `now` is
/// stored text.
pub(super) async fn progress_rows(
    connection: &mut Connection,
    rows: Vec<ProgressRow>,
    now: &str,
) -> Result<(), StoreError> {
    let what = "recording a batch's progress";
    for chunk in rows.chunks(ROWS) {
        let mut query = QueryBuilder::<Db>::new("WITH v (id, token, progress) AS (");
        query.push_values(chunk, |mut row, item| {
            let mut progress = item.held.progress.clone();
            progress.insert(item.key.clone(), item.value.clone());
            row.push_bind(item.held.command.id.as_str().to_owned())
                .push_bind(token_value(item.fence))
                .push_bind(Value::Object(progress).to_string());
        });
        query
            .push(") UPDATE commands SET progress = v.progress, updated_at = ")
            .push_bind(now.to_owned());
        fenced_where(&mut query);
        let written = returned_ids(&mut query, connection, what).await?;
        all_landed(chunk.iter().map(|r| (&r.held, r.fence)), &written)?;
        let history = chunk.iter().map(|item| {
            let mut detail = serde_json::Map::new();
            detail.insert(item.key.clone(), item.value.clone());
            (&item.held, HistoryKind::Progress, Value::Object(detail))
        });
        insert_history(connection, history, now).await?;
    }
    Ok(())
}

/// Ends each command with its outcome as `write_finish` does, a statement per kind of row:
/// the commands, their subjects' records, the applied intents, the history, the outbox.
pub(super) async fn finish_rows(
    connection: &mut Connection,
    rows: &[FinishRow],
    now: &str,
) -> Result<(), StoreError> {
    let mut outcomes = Vec::with_capacity(rows.len());
    for row in rows {
        let outcome = &row.finish.outcome;
        let json = serde_json::to_string(outcome).map_err(|source| StoreError::Unwritable {
            what: format!("the outcome of command {}", row.held.command.id),
            source,
        })?;
        outcomes.push(json);
    }
    for (chunk, outcomes) in rows.chunks(ROWS).zip(outcomes.chunks(ROWS)) {
        end_commands(connection, chunk, outcomes, now).await?;
        record_subjects(connection, chunk, now).await?;
        apply_intents(connection, chunk, now).await?;
        let history = chunk.iter().zip(outcomes).map(|(row, json)| {
            let detail = serde_json::from_str(json).unwrap_or(Value::Object(Default::default()));
            (&row.held, HistoryKind::Outcome, detail)
        });
        insert_history(connection, history, now).await?;
        insert_outbox_rows(connection, chunk, now).await?;
    }
    Ok(())
}

/// The fenced update of every finished command.
async fn end_commands(
    connection: &mut Connection,
    chunk: &[FinishRow],
    outcomes: &[String],
    now: &str,
) -> Result<(), StoreError> {
    let mut query = QueryBuilder::<Db>::new("WITH v (id, token, kind, outcome) AS (");
    query.push_values(chunk.iter().zip(outcomes), |mut row, (item, json)| {
        row.push_bind(item.held.command.id.as_str().to_owned())
            .push_bind(token_value(item.finish.fence))
            .push_bind(item.finish.outcome.kind.as_str())
            .push_bind(json.clone());
    });
    query
        .push(") UPDATE commands SET state = ")
        .push_bind(CommandState::Done.as_str())
        .push(
            ", outcome_kind = v.kind, outcome = v.outcome, claimed_by = NULL, \
             claimed_until = NULL, updated_at = ",
        )
        .push_bind(now.to_owned());
    fenced_where(&mut query);
    let ended = returned_ids(&mut query, connection, "ending a batch's commands").await?;
    all_landed(chunk.iter().map(|r| (&r.held, r.finish.fence)), &ended)
}

/// Each subject's record: created if missing, then what its outcome found.
async fn record_subjects(
    connection: &mut Connection,
    chunk: &[FinishRow],
    now: &str,
) -> Result<(), StoreError> {
    let mut insert = QueryBuilder::<Db>::new(
        "INSERT INTO subjects (subject_key, source, state, created_at, updated_at) ",
    );
    insert.push_values(chunk, |mut row, item| {
        let command = &item.held.command;
        row.push_bind(command.subject.as_str().to_owned())
            .push_bind(command.origin.source.clone())
            .push_bind(SubjectState::Unknown.as_str())
            .push_bind(now.to_owned())
            .push_bind(now.to_owned());
    });
    insert.push(" ON CONFLICT (subject_key) DO NOTHING");
    execute(&mut insert, connection, "creating a batch's subjects").await?;
    let mut update = QueryBuilder::<Db>::new(
        "WITH v (skey, account_id, contact_id, user_id, username, nickname, licence, \
         new_state, welcome_email, pending_email) AS (",
    );
    update.push_values(chunk, |mut row, item| {
        let ids = &item.finish.outcome.salesforce;
        let found = &item.finish.update;
        row.push_bind(item.held.command.subject.as_str().to_owned())
            .push_bind(ids.account_id.clone())
            .push_bind(ids.contact_id.clone())
            .push_bind(ids.user_id.clone())
            .push_bind(found.username.clone())
            .push_bind(found.nickname.clone())
            .push_bind(found.licence.clone())
            .push_bind(found.state.map(|s| s.as_str().to_owned()))
            .push_bind(found.welcome_email.map(|e| e.as_str().to_owned()))
            .push_bind(found.pending_email.clone());
    });
    update
        .push(
            ") UPDATE subjects SET account_id = COALESCE(v.account_id, subjects.account_id), \
             contact_id = COALESCE(v.contact_id, subjects.contact_id), \
             user_id = COALESCE(v.user_id, subjects.user_id), \
             username = COALESCE(v.username, subjects.username), \
             nickname = COALESCE(v.nickname, subjects.nickname), \
             licence = COALESCE(v.licence, subjects.licence), \
             state = COALESCE(v.new_state, subjects.state), \
             welcome_email = COALESCE(v.welcome_email, subjects.welcome_email), \
             pending_email = COALESCE(v.pending_email, subjects.pending_email), updated_at = ",
        )
        .push_bind(now.to_owned())
        .push(" FROM v WHERE subject_key = v.skey");
    execute(
        &mut update,
        connection,
        "recording a batch's outcomes on their subjects",
    )
    .await
}

/// What `apply_intent` records, for the finishes whose intent now holds.
async fn apply_intents(
    connection: &mut Connection,
    chunk: &[FinishRow],
    now: &str,
) -> Result<(), StoreError> {
    let what = "recording a batch's applied intents on their subjects";
    let applied: Vec<&CommandRecord> = chunk
        .iter()
        .filter(|r| {
            matches!(
                r.finish.outcome.kind,
                OutcomeKind::Succeeded | OutcomeKind::NoChange
            )
        })
        .map(|r| &r.held)
        .collect();
    if applied.is_empty() {
        return Ok(());
    }
    let mut times = QueryBuilder::<Db>::new("WITH v (skey, source_time) AS (");
    times.push_values(&applied, |mut row, held| {
        row.push_bind(held.command.subject.as_str().to_owned())
            .push_bind(time_text(held.command.origin.source_time));
    });
    times
        .push(
            ") UPDATE subjects SET last_applied_source_time = CASE \
             WHEN subjects.last_applied_source_time IS NULL \
             OR subjects.last_applied_source_time < v.source_time THEN v.source_time \
             ELSE subjects.last_applied_source_time END, updated_at = ",
        )
        .push_bind(now.to_owned())
        .push(" FROM v WHERE subject_key = v.skey");
    execute(&mut times, connection, what).await?;
    // A provision is the whole desired state, so its reasons replace the old ones, absent ones
    // included; it also ends any earlier deprovision's trigger, and its source becomes the one
    // whose roster answers for the person.
    let provisions: Vec<_> = applied
        .iter()
        .filter_map(|held| match &held.command.intent {
            Intent::Provision(p) => Some((held, p)),
            Intent::Deprovision(_) => None,
        })
        .collect();
    if !provisions.is_empty() {
        let mut reasons = QueryBuilder::<Db>::new(
            "WITH v (skey, purpose, sponsor, account_ref, end_at, access_source) AS (",
        );
        reasons.push_values(&provisions, |mut row, (held, provision)| {
            row.push_bind(held.command.subject.as_str().to_owned())
                .push_bind(provision.purpose.clone())
                .push_bind(provision.sponsor.clone())
                .push_bind(account_ref_text(&provision.account))
                .push_bind(provision.end_at.map(time_text))
                .push_bind(held.command.origin.source.clone());
        });
        reasons.push(
            ") UPDATE subjects SET purpose = v.purpose, sponsor = v.sponsor, \
             account_ref = v.account_ref, end_at = v.end_at, access_source = v.access_source, \
             deactivation_trigger = NULL \
             FROM v WHERE subject_key = v.skey",
        );
        execute(&mut reasons, connection, what).await?;
    }
    let triggers: Vec<_> = applied
        .iter()
        .filter_map(|held| match &held.command.intent {
            Intent::Deprovision(d) => Some((held.command.subject.as_str(), d.trigger.as_str())),
            Intent::Provision(_) => None,
        })
        .collect();
    if !triggers.is_empty() {
        let mut update = QueryBuilder::<Db>::new("WITH v (skey, trigger_kind) AS (");
        update.push_values(&triggers, |mut row, (subject, trigger)| {
            row.push_bind((*subject).to_owned())
                .push_bind((*trigger).to_owned());
        });
        update.push(
            ") UPDATE subjects SET deactivation_trigger = v.trigger_kind \
             FROM v WHERE subject_key = v.skey",
        );
        execute(&mut update, connection, what).await?;
    }
    Ok(())
}

/// The announcements, each under the outbox id its slot answers.
async fn insert_outbox_rows(
    connection: &mut Connection,
    chunk: &[FinishRow],
    now: &str,
) -> Result<(), StoreError> {
    let mut insert = QueryBuilder::<Db>::new(
        "INSERT INTO outbox (outbox_id, subject_key, command_id, event_type, payload, \
         traceparent, created_at) ",
    );
    insert.push_values(chunk, |mut row, item| {
        let event = &item.finish.announcement;
        row.push_bind(item.outbox_id.as_str().to_owned())
            .push_bind(item.held.command.subject.as_str().to_owned())
            .push_bind(item.held.command.id.as_str().to_owned())
            .push_bind(event.event_type.clone())
            .push_bind(event.payload.to_string())
            .push_bind(event.traceparent.clone())
            .push_bind(now.to_owned());
    });
    execute(&mut insert, connection, "writing a batch's outbox events").await
}

/// One history row per command, all at `now` (stored text).
async fn insert_history<'a>(
    connection: &mut Connection,
    rows: impl Iterator<Item = (&'a CommandRecord, HistoryKind, Value)>,
    now: &str,
) -> Result<(), StoreError> {
    let rows: Vec<_> = rows.collect();
    if rows.is_empty() {
        return Ok(());
    }
    let mut insert = QueryBuilder::<Db>::new(
        "INSERT INTO subject_history (subject_key, at, kind, command_id, actor, detail) ",
    );
    insert.push_values(&rows, |mut row, (held, kind, detail)| {
        row.push_bind(held.command.subject.as_str().to_owned())
            .push_bind(now.to_owned())
            .push_bind(kind.as_str())
            .push_bind(Some(held.command.id.as_str().to_owned()))
            .push_bind(None::<String>)
            .push_bind(detail.to_string());
    });
    execute(&mut insert, connection, "appending a batch's history").await
}

/// `FROM v` with the fence of each row, and the ids of the rows changed.
fn fenced_where(query: &mut QueryBuilder<'_, Db>) {
    query
        .push(" FROM v WHERE command_id = v.id AND state = ")
        .push_bind(CommandState::Running.as_str())
        .push(" AND claim_token = v.token RETURNING command_id");
}

async fn returned_ids(
    query: &mut QueryBuilder<'_, Db>,
    connection: &mut Connection,
    what: &'static str,
) -> Result<std::collections::HashSet<String>, StoreError> {
    let ids: Vec<String> = query
        .build_query_scalar()
        .fetch_all(&mut *connection)
        .await
        .map_err(|source| classify(what, source))?;
    Ok(ids.into_iter().collect())
}

async fn execute(
    query: &mut QueryBuilder<'_, Db>,
    connection: &mut Connection,
    what: &'static str,
) -> Result<(), StoreError> {
    query
        .build()
        .execute(&mut *connection)
        .await
        .map_err(|source| classify(what, source))?;
    Ok(())
}

/// Every item's row changed, or the first that did not as a lost claim.
fn all_landed<'a>(
    items: impl Iterator<Item = (&'a CommandRecord, FencingToken)>,
    written: &std::collections::HashSet<String>,
) -> Result<(), StoreError> {
    for (held, fence) in items {
        if !written.contains(held.command.id.as_str()) {
            return Err(StoreError::ClaimLost {
                command_id: held.command.id.clone(),
                fence,
            });
        }
    }
    Ok(())
}
