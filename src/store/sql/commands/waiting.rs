//! A running command stepping back to wait (retry, park), waking up (unpark), and recording a
//! checkpoint while it runs.

use super::super::{Connection, Db};
use chrono::{DateTime, Utc};
use serde_json::{Value, json};
use sqlx::QueryBuilder;

use super::super::subjects::append_history;
use super::super::{Store, classify, time_text};
use super::{load_held, token_value};
use crate::domain::{CommandId, Refusal};
use crate::store::commands::{CommandRecord, CommandState, FencingToken, Progress};
use crate::store::error::StoreError;
use crate::store::subjects::HistoryKind;
use crate::store::timestamp;

impl Store {
    /// Gives a command running under `fence` back to the queue until `due_at`, keeping the
    /// error.
    pub(crate) async fn retry_later(
        &self,
        command_id: &CommandId,
        fence: FencingToken,
        due_at: DateTime<Utc>,
        error: &Refusal,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if !timestamp::is_storable(due_at) {
            return Err(StoreError::InvalidTime("the retry time"));
        }
        let now = time_text(now);
        let mut transaction = self.begin_write("scheduling a retry").await?;
        let held = load_held(&mut transaction, command_id, fence, "retry").await?;
        write_retry(&mut transaction, &held, fence, due_at, error, &now).await?;
        transaction
            .commit()
            .await
            .map_err(|source| classify("scheduling a retry", source))
    }

    /// Sets a command running under `fence` aside until it is unparked, e.g. until a licence
    /// frees.
    pub(crate) async fn park(
        &self,
        command_id: &CommandId,
        fence: FencingToken,
        reason: &str,
        licence: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let now = time_text(now);
        let mut transaction = self.begin_write("parking a command").await?;
        let held = load_held(&mut transaction, command_id, fence, "park").await?;
        write_park(&mut transaction, &held, fence, reason, licence, &now).await?;
        transaction
            .commit()
            .await
            .map_err(|source| classify("parking a command", source))
    }

    /// Queues, due now, every command parked on `licence` (every parked command when `None`).
    pub(crate) async fn unpark(
        &self,
        licence: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let mut transaction = self.begin_write("unparking commands").await?;
        let woken = unpark_in(&mut transaction, licence, &time_text(now)).await?;
        transaction
            .commit()
            .await
            .map_err(|source| classify("unparking commands", source))?;
        Ok(woken)
    }

    /// Merges `key: value` into the progress of a command running under `fence`, durably,
    /// before the worker makes a call it must not repeat.
    pub(crate) async fn record_progress(
        &self,
        command_id: &CommandId,
        fence: FencingToken,
        key: &str,
        value: Value,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut transaction = self.begin_write(RECORDING).await?;
        let held = load_held(&mut transaction, command_id, fence, "record progress").await?;
        write_progress(&mut transaction, held, fence, key, value, &time_text(now)).await?;
        transaction
            .commit()
            .await
            .map_err(|source| classify(RECORDING, source))
    }
}

const RECORDING: &str = "recording a command's progress";

/// Gives `held`, read in this transaction as running under `fence`, back to the queue until
/// `due_at` with the error kept, and records it in the history; `now` is stored text.
pub(super) async fn write_retry(
    connection: &mut Connection,
    held: &CommandRecord,
    fence: FencingToken,
    due_at: DateTime<Utc>,
    error: &Refusal,
    now: &str,
) -> Result<(), StoreError> {
    let error_json = json!(error);
    step_back(connection, (&held.command.id, fence), now, |query| {
        query
            .push_bind(CommandState::Retrying.as_str())
            .push(", due_at = ")
            .push_bind(time_text(due_at))
            .push(", last_error = ")
            .push_bind(error_json.to_string());
    })
    .await?;
    let detail = json!({
        "state": CommandState::Retrying,
        "due_at": timestamp::to_millis(due_at),
        "error": error_json,
    });
    append_history(
        connection,
        &held.command.subject,
        now,
        HistoryKind::Progress,
        Some(&held.command.id),
        None,
        &detail,
    )
    .await
}

/// Sets `held`, read in this transaction as running under `fence`, aside with its reason and
/// licence, and records it in the history; `now` is stored text.
pub(super) async fn write_park(
    connection: &mut Connection,
    held: &CommandRecord,
    fence: FencingToken,
    reason: &str,
    licence: Option<&str>,
    now: &str,
) -> Result<(), StoreError> {
    step_back(connection, (&held.command.id, fence), now, |query| {
        query
            .push_bind(CommandState::Parked.as_str())
            .push(", parked_reason = ")
            .push_bind(reason.to_owned())
            .push(", parked_licence = ")
            .push_bind(licence.map(str::to_owned));
    })
    .await?;
    let detail = json!({ "state": CommandState::Parked, "reason": reason, "licence": licence });
    append_history(
        connection,
        &held.command.subject,
        now,
        HistoryKind::Progress,
        Some(&held.command.id),
        None,
        &detail,
    )
    .await
}

/// Queues, due `now` (stored text), the commands parked on `licence` (all when `None`), each
/// with a history row; answers how many.
pub(super) async fn unpark_in(
    connection: &mut Connection,
    licence: Option<&str>,
    now: &str,
) -> Result<u64, StoreError> {
    let fail = |source| classify("unparking commands", source);
    let parked = CommandState::Parked.as_str();
    let detail = json!({ "state": CommandState::Queued, "unparked": true }).to_string();
    let narrow = |query: &mut QueryBuilder<'_, Db>| {
        if let Some(licence) = licence {
            query
                .push(" AND parked_licence = ")
                .push_bind(licence.to_owned());
        }
    };
    let mut history = QueryBuilder::<Db>::new(
        "INSERT INTO subject_history (subject_key, at, kind, command_id, actor, detail) \
         SELECT subject_key, ",
    );
    history
        .push_bind(now.to_owned())
        .push(", ")
        .push_bind(HistoryKind::Progress.as_str())
        .push(", command_id, NULL, ")
        .push_bind(detail)
        .push(" FROM commands WHERE state = ")
        .push_bind(parked);
    narrow(&mut history);
    history
        .build()
        .execute(&mut *connection)
        .await
        .map_err(fail)?;
    let mut wake = QueryBuilder::<Db>::new("UPDATE commands SET state = ");
    wake.push_bind(CommandState::Queued.as_str())
        .push(", due_at = ")
        .push_bind(now.to_owned())
        .push(", parked_reason = NULL, parked_licence = NULL, updated_at = ")
        .push_bind(now.to_owned())
        .push(" WHERE state = ")
        .push_bind(parked);
    narrow(&mut wake);
    Ok(wake
        .build()
        .execute(&mut *connection)
        .await
        .map_err(fail)?
        .rows_affected())
}

/// Merges `key: value` into the progress of `held`, read in this transaction as running under
/// `fence`, with a history row; `now` is stored text.
pub(super) async fn write_progress(
    connection: &mut Connection,
    held: CommandRecord,
    fence: FencingToken,
    key: &str,
    value: Value,
    now: &str,
) -> Result<(), StoreError> {
    let command_id = &held.command.id;
    let mut progress: Progress = held.progress;
    progress.insert(key.to_owned(), value.clone());
    let changed = sqlx::query(
        "UPDATE commands SET progress = $1, updated_at = $2 \
         WHERE command_id = $3 AND state = $4 AND claim_token = $5",
    )
    .bind(Value::Object(progress).to_string())
    .bind(now)
    .bind(command_id.as_str())
    .bind(CommandState::Running.as_str())
    .bind(token_value(fence))
    .execute(&mut *connection)
    .await
    .map_err(|source| classify(RECORDING, source))?
    .rows_affected();
    claim_held(changed, command_id, fence)?;
    let mut detail = serde_json::Map::new();
    detail.insert(key.to_owned(), value);
    append_history(
        connection,
        &held.command.subject,
        now,
        HistoryKind::Progress,
        Some(command_id),
        None,
        &Value::Object(detail),
    )
    .await
}

/// Moves a command running under the given claim to the state `set` writes (it writes
/// `state`'s value first, then any further `, column = value`), releasing the claim at `now`
/// (stored text). The caller read the command as held in this transaction.
async fn step_back(
    connection: &mut Connection,
    (command_id, fence): (&CommandId, FencingToken),
    now: &str,
    set: impl FnOnce(&mut QueryBuilder<'_, Db>),
) -> Result<(), StoreError> {
    let mut query = QueryBuilder::<Db>::new("UPDATE commands SET state = ");
    set(&mut query);
    query
        .push(", claimed_by = NULL, claimed_until = NULL, updated_at = ")
        .push_bind(now.to_owned())
        .push(" WHERE command_id = ")
        .push_bind(command_id.as_str().to_owned())
        .push(" AND state = ")
        .push_bind(CommandState::Running.as_str())
        .push(" AND claim_token = ")
        .push_bind(token_value(fence));
    let changed = query
        .build()
        .execute(&mut *connection)
        .await
        .map_err(|source| classify("moving a command back to waiting", source))?
        .rows_affected();
    claim_held(changed, command_id, fence)
}

/// A fenced statement changed the command (`changed` rows), or the claim it was made under is
/// no longer held. Callers check the claim first in the same transaction, so a miss here means
/// a writer the transaction did not exclude.
pub(super) fn claim_held(
    changed: u64,
    command_id: &CommandId,
    fence: FencingToken,
) -> Result<(), StoreError> {
    if changed == 1 {
        Ok(())
    } else {
        Err(StoreError::ClaimLost {
            command_id: command_id.clone(),
            fence,
        })
    }
}
