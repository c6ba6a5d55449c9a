//! The command queue's statements for SQLite, one file per step of a command's life.
//!
//! As for the inbox, parameters are `$n` and the SQL sticks to what PostgreSQL also speaks
//! (`RETURNING`, window functions, `ON CONFLICT … DO NOTHING`, partial unique indexes), so a
//! PostgreSQL twin changes column types and locking (`FOR UPDATE SKIP LOCKED` in the claim), not
//! the statements' shape.

mod batch;
mod batch_rows;
mod claim;
mod enqueue;
mod guard;
mod held;
mod outcome;
mod reading;
mod replay;
mod waiting;

use super::Connection;

use super::classify;
use super::row::{Cause, optional_time, unreadable};
use crate::domain::{Command, CommandId, SubjectKey};
use crate::store::commands::{CommandRecord, CommandState, FencingToken};
use crate::store::error::StoreError;
use crate::store::stored_name::outcome_kind;
use crate::store::timestamp;

/// Every column [`CommandRow`] reads, in its order.
const COMMAND_COLUMNS: &str = "command_id, subject_key, intent, origin, item_key, replay_of, \
     effective_at, state, due_at, attempts, last_error, parked_reason, parked_licence, progress, \
     outcome_kind, outcome, claimed_by, claimed_until, created_at, updated_at, held_reason";

/// `'a', 'b'` for an `IN (…)` list of states. The names are the enum's own constants, never
/// input, so they can be written into the SQL.
fn state_list(states: &[CommandState]) -> String {
    states
        .iter()
        .map(|state| format!("'{}'", state.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A `commands` row as SQLite hands it back.
#[derive(sqlx::FromRow)]
struct CommandRow {
    command_id: String,
    subject_key: String,
    intent: String,
    origin: String,
    item_key: String,
    replay_of: Option<String>,
    effective_at: Option<String>,
    state: String,
    due_at: String,
    attempts: i64,
    last_error: Option<String>,
    parked_reason: Option<String>,
    parked_licence: Option<String>,
    progress: String,
    outcome_kind: Option<String>,
    outcome: Option<String>,
    claimed_by: Option<String>,
    claimed_until: Option<String>,
    created_at: String,
    updated_at: String,
    held_reason: Option<String>,
}

impl CommandRow {
    fn into_record(self) -> Result<CommandRecord, StoreError> {
        let what = format!("command {}", self.command_id);
        self.parse().map_err(|source| unreadable(what, source))
    }

    fn parse(self) -> Result<CommandRecord, Cause> {
        let outcome: Option<crate::domain::Outcome> = self
            .outcome
            .as_deref()
            .map(serde_json::from_str)
            .transpose()?;
        // The kind column exists for filtering; it must agree with the outcome it copies.
        let kind = self.outcome_kind.as_deref().map(outcome_kind).transpose()?;
        if kind != outcome.as_ref().map(|outcome| outcome.kind) {
            return Err("the outcome kind column disagrees with the outcome".into());
        }
        Ok(CommandRecord {
            command: Command {
                id: command_id(&self.command_id)?,
                subject: SubjectKey::parse(&self.subject_key)?,
                intent: serde_json::from_str(&self.intent)?,
                origin: serde_json::from_str(&self.origin)?,
                effective_at: optional_time(self.effective_at)?,
            },
            item_key: Some(self.item_key).filter(|key| !key.is_empty()),
            replay_of: self.replay_of.as_deref().map(command_id).transpose()?,
            state: self.state.parse()?,
            due_at: timestamp::from_text(&self.due_at)?,
            attempts: u32::try_from(self.attempts)?,
            last_error: self
                .last_error
                .as_deref()
                .map(serde_json::from_str)
                .transpose()?,
            parked_reason: self.parked_reason,
            parked_licence: self.parked_licence,
            held_reason: self.held_reason,
            progress: serde_json::from_str(&self.progress)?,
            outcome,
            claimed_by: self.claimed_by,
            claimed_until: optional_time(self.claimed_until)?,
            created_at: timestamp::from_text(&self.created_at)?,
            updated_at: timestamp::from_text(&self.updated_at)?,
        })
    }
}

/// A command row with the token of its current claim.
#[derive(sqlx::FromRow)]
struct FencedRow {
    #[sqlx(flatten)]
    row: CommandRow,
    claim_token: i64,
}

impl FencedRow {
    fn into_parts(self) -> Result<(CommandRecord, FencingToken), StoreError> {
        let what = format!("command {}", self.row.command_id);
        let token = u64::try_from(self.claim_token).map_err(|source| unreadable(what, source))?;
        Ok((self.row.into_record()?, FencingToken::new(token)))
    }
}

/// The token a claim stores and its writes compare against.
fn token_value(fence: FencingToken) -> i64 {
    // Tokens are counted up from 0 one claim at a time; none comes near i64::MAX.
    i64::try_from(fence.value()).unwrap_or(i64::MAX)
}

/// Reads a stored command id.
fn command_id(text: &str) -> Result<CommandId, Cause> {
    CommandId::parse(text).ok_or_else(|| "not a command id".into())
}

/// The command with this id, read on the given connection (inside a write transaction, so the
/// caller acts on what it read).
async fn load(
    connection: &mut Connection,
    command_id: &CommandId,
) -> Result<Option<CommandRecord>, StoreError> {
    let row: Option<CommandRow> = sqlx::query_as(&format!(
        "SELECT {COMMAND_COLUMNS} FROM commands WHERE command_id = $1"
    ))
    .bind(command_id.as_str())
    .fetch_optional(&mut *connection)
    .await
    .map_err(|source| classify("reading a command", source))?;
    row.map(CommandRow::into_record).transpose()
}

/// The command, if it is still running under `fence`; otherwise why this step, made under that
/// claim, cannot be taken. A command claimed again since (a larger token), or released back to
/// the queue from this claim, is [`StoreError::ClaimLost`]; any other state (ended by its
/// holder, never claimed under this token) is [`StoreError::CommandRefused`], as any step out of
/// order is.
async fn load_held(
    connection: &mut Connection,
    command_id: &CommandId,
    fence: FencingToken,
    action: &'static str,
) -> Result<CommandRecord, StoreError> {
    let row: Option<FencedRow> = sqlx::query_as(&format!(
        "SELECT {COMMAND_COLUMNS}, claim_token FROM commands WHERE command_id = $1"
    ))
    .bind(command_id.as_str())
    .fetch_optional(&mut *connection)
    .await
    .map_err(|source| classify("reading a command", source))?;
    let Some((record, token)) = row.map(FencedRow::into_parts).transpose()? else {
        return Err(StoreError::UnknownCommand(command_id.clone()));
    };
    judge_held(record, token, fence, action)
}

/// The command read with the token of its current claim, if it is still running under
/// `fence`; otherwise why a step made under that claim cannot be taken (see [`load_held`]).
fn judge_held(
    record: CommandRecord,
    token: FencingToken,
    fence: FencingToken,
    action: &'static str,
) -> Result<CommandRecord, StoreError> {
    let command_id = &record.command.id;
    match record.state {
        CommandState::Running if token == fence => Ok(record),
        state if token > fence || (token == fence && state == CommandState::Queued) => {
            Err(StoreError::ClaimLost {
                command_id: command_id.clone(),
                fence,
            })
        }
        state => Err(StoreError::CommandRefused {
            command_id: command_id.clone(),
            state,
            action,
        }),
    }
}
