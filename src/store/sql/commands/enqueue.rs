//! Enqueueing an event's commands: insert (or find) them, supersede what they replace, and mark
//! the inbox event `mapped`, in one transaction.

use super::super::Connection;
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::super::row::unreadable;
use super::super::subjects::{append_history, ensure_subject};
use super::super::{Store, classify, time_text};
use super::guard::{HeldBy, guarded};
use super::outcome::supersede;
use super::{COMMAND_COLUMNS, CommandRow, state_list};
use crate::domain::guard::{Policy, Trip};
use crate::domain::{Command, CommandId, Intent};
use crate::store::commands::{CommandState, Enqueued, NewCommand};
use crate::store::error::StoreError;
use crate::store::inbox::{EventId, InboxStatus};
use crate::store::subjects::HistoryKind;
use crate::store::timestamp;

const ENQUEUEING: &str = "enqueueing commands";

impl Store {
    /// Stores the commands (each already checked and cut to milliseconds) and, when they came
    /// from an inbox event, marks it `mapped`.
    pub(crate) async fn enqueue(
        &self,
        event: Option<&EventId>,
        commands: Vec<NewCommand>,
        guard: Option<&Policy>,
        now: DateTime<Utc>,
    ) -> Result<(Vec<Enqueued>, Vec<Trip>), StoreError> {
        let now = timestamp::to_millis(now);
        let mut transaction = self.begin_write(ENQUEUEING).await?;
        if let Some(event) = event {
            mark_mapped(&mut transaction, event, &time_text(now)).await?;
        }
        let answers = match guard {
            Some(policy) => guarded(&mut transaction, policy, commands, now).await?,
            None => (
                enqueue_in(&mut transaction, commands, now).await?,
                Vec::new(),
            ),
        };
        // Dropping an uncommitted transaction rolls it back: an early return above leaves
        // neither commands nor the inbox verdict behind.
        transaction
            .commit()
            .await
            .map_err(|source| classify(ENQUEUEING, source))?;
        Ok(answers)
    }
}

/// Stores each command not stored yet for its (event, item key), with the supersede rule
/// applied; answers one [`Enqueued`] per command, in order.
pub(super) async fn enqueue_in(
    connection: &mut Connection,
    commands: Vec<NewCommand>,
    now: DateTime<Utc>,
) -> Result<Vec<Enqueued>, StoreError> {
    let placed = commands
        .into_iter()
        .map(|command| (command, None))
        .collect();
    enqueue_placed(connection, placed, now).await
}

/// [`enqueue_in`], each command held by the guard when it comes with a [`HeldBy`].
pub(super) async fn enqueue_placed(
    connection: &mut Connection,
    commands: Vec<(NewCommand, Option<HeldBy>)>,
    now: DateTime<Utc>,
) -> Result<Vec<Enqueued>, StoreError> {
    let mut answers = Vec::with_capacity(commands.len());
    for (command, held) in commands {
        let known = match &command.origin.event_id {
            Some(event_id) => {
                find_event_item(connection, event_id, command.item_key.as_deref()).await?
            }
            None => None,
        };
        answers.push(match known {
            Some((command_id, state)) => Enqueued {
                command_id,
                item_key: command.item_key,
                duplicate: true,
                state,
                superseded: Vec::new(),
            },
            None => insert_command(connection, command, None, held.as_ref(), now).await?,
        });
    }
    Ok(answers)
}

/// Marks the event `mapped`. An event already mapped stays so (the mapping ran again, e.g. after
/// a crash before its answer); an ignored or unmapped one is refused, as it must be requeued
/// before it is mapped.
async fn mark_mapped(
    connection: &mut Connection,
    event: &EventId,
    now: &str,
) -> Result<(), StoreError> {
    let fail = |source| classify("marking an inbox event mapped", source);
    let changed = sqlx::query(
        "UPDATE inbox_events SET status = $1, reason = NULL, attempts = attempts + 1, \
         updated_at = $2 WHERE event_id = $3 AND status = $4",
    )
    .bind(InboxStatus::Mapped.as_str())
    .bind(now)
    .bind(event.as_str())
    .bind(InboxStatus::Accepted.as_str())
    .execute(&mut *connection)
    .await
    .map_err(fail)?
    .rows_affected();
    if changed == 1 {
        return Ok(());
    }
    let status: Option<String> =
        sqlx::query_scalar("SELECT status FROM inbox_events WHERE event_id = $1")
            .bind(event.as_str())
            .fetch_optional(&mut *connection)
            .await
            .map_err(fail)?;
    let Some(status) = status else {
        return Err(StoreError::UnknownEvent(event.clone()));
    };
    let from: InboxStatus = status
        .parse()
        .map_err(|source| unreadable(format!("inbox event {event}"), source))?;
    if from == InboxStatus::Mapped {
        return Ok(());
    }
    Err(StoreError::Refused {
        event_id: event.clone(),
        from,
        to: InboxStatus::Mapped,
    })
}

/// The command already stored for this event's item, with its state.
pub(super) async fn find_event_item(
    connection: &mut Connection,
    event_id: &str,
    item_key: Option<&str>,
) -> Result<Option<(CommandId, CommandState)>, StoreError> {
    let row: Option<(String, String)> = sqlx::query_as(
        "SELECT command_id, state FROM commands \
         WHERE origin_event_id = $1 AND item_key = $2 AND replay_of IS NULL",
    )
    .bind(event_id)
    .bind(item_key.unwrap_or_default())
    .fetch_optional(&mut *connection)
    .await
    .map_err(|source| classify(ENQUEUEING, source))?;
    let Some((id, state)) = row else {
        return Ok(None);
    };
    let what = || format!("command {id}");
    let command_id = CommandId::parse(&id).ok_or_else(|| unreadable(what(), "not a command id"))?;
    let state = state.parse().map_err(|source| unreadable(what(), source))?;
    Ok(Some((command_id, state)))
}

/// Inserts a new command, records it in the subject's history, and applies the supersede rule:
/// it ends the subject's older waiting commands, and is itself ended on arrival when a newer
/// one already waits. Either way only the newest desired state still waits, whatever order the
/// events arrived in. Commands with the same source time (one event's fan-out) never supersede
/// each other.
pub(super) async fn insert_command(
    connection: &mut Connection,
    new: NewCommand,
    replay_of: Option<&CommandId>,
    held: Option<&HeldBy>,
    now: DateTime<Utc>,
) -> Result<Enqueued, StoreError> {
    let item_key = new.item_key;
    let command = Command {
        id: new.id,
        subject: new.subject,
        intent: new.intent,
        origin: new.origin,
        effective_at: new.due_at,
    };
    // A command with no effective time is due from its receipt. The receipt time and `now`
    // come from the same clock but not at the same moment, and a clock stepped back in between
    // must not leave the command due after the worker's "now", waiting for no reason.
    let due_at = new
        .due_at
        .unwrap_or_else(|| command.origin.received_at.min(now));
    let state = if held.is_some() {
        CommandState::Held
    } else if due_at > now {
        CommandState::Scheduled
    } else {
        CommandState::Queued
    };
    let placed = Placement {
        item_key: item_key.as_deref(),
        replay_of,
        state,
        due_at,
        held,
    };
    write_command(connection, &command, &placed, now).await?;
    let superseded = supersede_older(connection, &command, due_at, now).await?;
    let state = match newer_waiting(connection, &command, due_at, now).await? {
        Some(newer) => {
            supersede(connection, &command, &newer, now).await?;
            CommandState::Done
        }
        None => state,
    };
    Ok(Enqueued {
        command_id: command.id,
        item_key,
        duplicate: false,
        state,
        superseded,
    })
}

/// Where a new command starts in the queue.
struct Placement<'a> {
    item_key: Option<&'a str>,
    replay_of: Option<&'a CommandId>,
    state: CommandState,
    due_at: DateTime<Utc>,
    held: Option<&'a HeldBy>,
}

/// Writes the command's row, its subject's record on first sight, and the history row that
/// says it was enqueued.
async fn write_command(
    connection: &mut Connection,
    command: &Command,
    placed: &Placement<'_>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let now_text = time_text(now);
    let unwritable = |part: &str, source| StoreError::Unwritable {
        what: format!("the {part} of command {}", command.id),
        source,
    };
    let intent =
        serde_json::to_string(&command.intent).map_err(|source| unwritable("intent", source))?;
    let origin =
        serde_json::to_string(&command.origin).map_err(|source| unwritable("origin", source))?;
    ensure_subject(
        connection,
        &command.subject,
        &command.origin.source,
        &now_text,
    )
    .await?;
    sqlx::query(
        "INSERT INTO commands (command_id, subject_key, intent, origin, source_time, \
         origin_event_id, item_key, replay_of, effective_at, state, due_at, attempts, progress, \
         created_at, updated_at, held_reason, held_source) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 0, '{}', $12, $13, $14, $15)",
    )
    .bind(command.id.as_str())
    .bind(command.subject.as_str())
    .bind(intent)
    .bind(origin)
    .bind(time_text(command.origin.source_time))
    .bind(command.origin.event_id.as_deref())
    .bind(placed.item_key.unwrap_or_default())
    .bind(placed.replay_of.map(CommandId::as_str))
    .bind(command.effective_at.map(time_text))
    .bind(placed.state.as_str())
    .bind(time_text(placed.due_at))
    .bind(&now_text)
    .bind(&now_text)
    .bind(placed.held.map(|held| held.reason.as_str()))
    .bind(placed.held.map(|held| held.source.as_str()))
    .execute(&mut *connection)
    .await
    .map_err(|source| classify(ENQUEUEING, source))?;
    append_history(
        connection,
        &command.subject,
        &now_text,
        HistoryKind::Command,
        Some(&command.id),
        Some(
            command
                .origin
                .actor
                .as_deref()
                .unwrap_or(&command.origin.source),
        ),
        &enqueued_detail(command, placed),
    )
    .await
}

/// Ends the subject's waiting commands that are older than `command` and take effect no
/// sooner; answers their ids.
///
/// A newer desired state replaces a waiting older one only when it takes effect no later: a
/// contract end scheduled for next month must not cancel a signup that is due now, but a
/// renewal due now does cancel a scheduled contract end. Commands already due count as due
/// now.
async fn supersede_older(
    connection: &mut Connection,
    command: &Command,
    due_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Vec<CommandId>, StoreError> {
    let waiting = state_list(&CommandState::WAITING);
    let not_sooner = if due_at > now {
        "AND (state = 'parked' OR due_at >= $3)"
    } else {
        "AND $3 = $3"
    };
    let older: Vec<CommandRow> = sqlx::query_as(&format!(
        "SELECT {COMMAND_COLUMNS} FROM commands WHERE subject_key = $1 AND state IN ({waiting}) \
         AND source_time < $2 {not_sooner} ORDER BY source_time, seq"
    ))
    .bind(command.subject.as_str())
    .bind(time_text(command.origin.source_time))
    .bind(time_text(due_at.max(now)))
    .fetch_all(&mut *connection)
    .await
    .map_err(|source| classify(ENQUEUEING, source))?;
    let mut superseded = Vec::with_capacity(older.len());
    for row in older {
        let record = row.into_record()?;
        supersede(connection, &record.command, &command.id, now).await?;
        superseded.push(record.command.id);
    }
    Ok(superseded)
}

/// The newest waiting command of the subject that is newer than `command` and takes effect no
/// later, which supersedes it on arrival.
async fn newer_waiting(
    connection: &mut Connection,
    command: &Command,
    due_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Option<CommandId>, StoreError> {
    let waiting = state_list(&CommandState::WAITING);
    let newer: Option<String> = sqlx::query_scalar(&format!(
        "SELECT command_id FROM commands WHERE subject_key = $1 AND state IN ({waiting}) \
         AND source_time > $2 AND (state = 'parked' OR due_at <= $3) \
         ORDER BY source_time DESC, seq DESC LIMIT 1"
    ))
    .bind(command.subject.as_str())
    .bind(time_text(command.origin.source_time))
    .bind(time_text(due_at.max(now)))
    .fetch_optional(&mut *connection)
    .await
    .map_err(|source| classify(ENQUEUEING, source))?;
    newer
        .map(|newer| {
            CommandId::parse(&newer)
                .ok_or_else(|| unreadable(format!("command {newer}"), "not a command id"))
        })
        .transpose()
}

/// The history detail of an enqueued command: what it wants and where it came from, without
/// the person's attributes (those stay on the command).
fn enqueued_detail(command: &Command, placed: &Placement<'_>) -> Value {
    let (item_key, replay_of, due_at) = (placed.item_key, placed.replay_of, placed.due_at);
    let mut detail = json!({
        "intent": command.intent.kind(),
        "source": command.origin.source,
        "source_time": command.origin.source_time,
        "due_at": due_at,
    });
    if let Some(fields) = detail.as_object_mut() {
        if let Intent::Deprovision(deprovision) = &command.intent {
            fields.insert("mode".into(), Value::from(deprovision.mode.name()));
            fields.insert("trigger".into(), Value::from(deprovision.trigger.as_str()));
        }
        if let Some(event_id) = &command.origin.event_id {
            fields.insert("event_id".into(), Value::from(event_id.as_str()));
        }
        if let Some(item_key) = item_key {
            fields.insert("item_key".into(), Value::from(item_key));
        }
        if let Some(replay_of) = replay_of {
            fields.insert("replay_of".into(), Value::from(replay_of.as_str()));
        }
        if let Some(held) = placed.held {
            fields.insert("state".into(), Value::from(CommandState::Held.as_str()));
            fields.insert("held_reason".into(), Value::from(held.reason.as_str()));
        }
    }
    detail
}
