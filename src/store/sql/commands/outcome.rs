//! Ending a command: its outcome, its subject's record, its history row and its announcement,
//! all in the caller's transaction, so none exists without the others.

use super::super::Connection;
use chrono::{DateTime, Utc};
use serde_json::Value;

use super::super::outbox::insert_outbox;
use super::super::subjects::{append_history, apply_intent, ensure_subject, record_findings};
use super::super::{Store, classify, time_text};
use super::{load_held, state_list, token_value};
use crate::domain::{Command, CommandId, LicenceEffect, Outcome, OutcomeKind, SalesforceIds};
use crate::store::commands::{CommandRecord, CommandState, FencingToken};
use crate::store::error::StoreError;
use crate::store::outbox::{OutboxEvent, OutboxId};
use crate::store::subjects::{HistoryKind, SubjectUpdate};
use crate::store::timestamp;

/// One command's ending, as handed to [`write_outcome`].
pub(super) struct OutcomeWrite<'a> {
    pub(super) command: &'a Command,
    /// The states the command may be in; anything else refuses the ending.
    pub(super) from: &'a [CommandState],
    /// The claim the ending is written under, for a running command; `None` for a waiting one,
    /// which nobody holds.
    pub(super) fence: Option<FencingToken>,
    pub(super) outcome: &'a Outcome,
    pub(super) update: &'a SubjectUpdate,
    pub(super) announcement: &'a OutboxEvent,
    /// Facts about the ending that the outcome does not hold (`superseded_by`), added to the
    /// history row.
    pub(super) note: serde_json::Map<String, Value>,
}

/// Writes the ending; `now` is stored text. Returns the outbox id of the announcement.
pub(super) async fn write_outcome(
    connection: &mut Connection,
    ending: OutcomeWrite<'_>,
    now: &str,
) -> Result<OutboxId, StoreError> {
    let fail = |source| classify("writing a command's outcome", source);
    let command = ending.command;
    let outcome_json =
        serde_json::to_string(ending.outcome).map_err(|source| StoreError::Unwritable {
            what: format!("the outcome of command {}", command.id),
            source,
        })?;
    let fenced = if ending.fence.is_some() {
        " AND claim_token = $6"
    } else {
        ""
    };
    let sql = format!(
        "UPDATE commands SET state = $1, outcome_kind = $2, outcome = $3, claimed_by = NULL, \
         claimed_until = NULL, updated_at = $4 WHERE command_id = $5 AND state IN ({}){fenced}",
        state_list(ending.from)
    );
    let mut update = sqlx::query(&sql)
        .bind(CommandState::Done.as_str())
        .bind(ending.outcome.kind.as_str())
        .bind(&outcome_json)
        .bind(now)
        .bind(command.id.as_str());
    if let Some(fence) = ending.fence {
        update = update.bind(token_value(fence));
    }
    let changed = update
        .execute(&mut *connection)
        .await
        .map_err(fail)?
        .rows_affected();
    // Callers read the command in this transaction, under the write lock; a miss here means it
    // vanished or its claim moved on, which only a bug or a foreign writer can cause.
    if changed != 1 {
        return Err(match ending.fence {
            Some(fence) => StoreError::ClaimLost {
                command_id: command.id.clone(),
                fence,
            },
            None => StoreError::UnknownCommand(command.id.clone()),
        });
    }
    ensure_subject(connection, &command.subject, &command.origin.source, now).await?;
    record_findings(
        connection,
        &command.subject,
        &ending.outcome.salesforce,
        ending.update,
        now,
    )
    .await?;
    if matches!(
        ending.outcome.kind,
        OutcomeKind::Succeeded | OutcomeKind::NoChange
    ) {
        apply_intent(connection, command, now).await?;
    }
    let mut detail = match serde_json::from_str(&outcome_json) {
        Ok(Value::Object(fields)) => fields,
        _ => serde_json::Map::new(),
    };
    detail.extend(ending.note);
    append_history(
        connection,
        &command.subject,
        now,
        HistoryKind::Outcome,
        Some(&command.id),
        None,
        &Value::Object(detail),
    )
    .await?;
    insert_outbox(
        connection,
        &command.subject,
        &command.id,
        ending.announcement,
        now,
    )
    .await
}

/// Ends a waiting command as `superseded` by a newer command of its subject.
pub(super) async fn supersede(
    connection: &mut Connection,
    command: &Command,
    by: &CommandId,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let outcome = Outcome {
        kind: OutcomeKind::Superseded,
        salesforce: SalesforceIds::default(),
        licence_effect: LicenceEffect::Unchanged,
        steps: Vec::new(),
        api_calls: 0,
        refusal: None,
        finished_at: timestamp::to_millis(now),
        batch: None,
    };
    let mut announcement = OutboxEvent::announcing(command, &outcome);
    if let Some(fields) = announcement.payload.as_object_mut() {
        fields.insert("superseded_by".into(), Value::from(by.as_str()));
    }
    let mut note = serde_json::Map::new();
    note.insert("superseded_by".into(), Value::from(by.as_str()));
    write_outcome(
        connection,
        OutcomeWrite {
            command,
            from: &CommandState::WAITING,
            fence: None,
            outcome: &outcome,
            update: &SubjectUpdate::default(),
            announcement: &announcement,
            note,
        },
        &time_text(now),
    )
    .await?;
    Ok(())
}

impl Store {
    /// Ends a command running under `fence` with its outcome, in one transaction.
    pub(crate) async fn finish(
        &self,
        command_id: &CommandId,
        fence: FencingToken,
        outcome: &Outcome,
        update: &SubjectUpdate,
        announcement: &OutboxEvent,
        now: DateTime<Utc>,
    ) -> Result<OutboxId, StoreError> {
        let mut transaction = self.begin_write("finishing a command").await?;
        let held = load_held(&mut transaction, command_id, fence, "finish").await?;
        let outbox_id = write_finish(
            &mut transaction,
            &held,
            fence,
            (outcome, update, announcement),
            &time_text(now),
        )
        .await?;
        transaction
            .commit()
            .await
            .map_err(|source| classify("finishing a command", source))?;
        Ok(outbox_id)
    }
}

/// Ends `held`, read in this transaction as running under `fence`, with its outcome, subject
/// update and announcement; `now` is stored text. Returns the announcement's outbox id.
pub(super) async fn write_finish(
    connection: &mut Connection,
    held: &CommandRecord,
    fence: FencingToken,
    (outcome, update, announcement): (&Outcome, &SubjectUpdate, &OutboxEvent),
    now: &str,
) -> Result<OutboxId, StoreError> {
    write_outcome(
        connection,
        OutcomeWrite {
            command: &held.command,
            from: &[CommandState::Running],
            fence: Some(fence),
            outcome,
            update,
            announcement,
            note: serde_json::Map::new(),
        },
        now,
    )
    .await
}
