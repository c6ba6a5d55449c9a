//! Operators releasing what the guard holds: approve (the commands are queued) or reject (they
//! end `rejected`), each recorded in the subject's history with who and when, in one
//! transaction with the clearing of every trip that holds nothing any more.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::QueryBuilder;

use super::super::subjects::append_history;
use super::super::{Connection, Db, Store, classify, time_text};
use super::guard::clear_if_empty;
use super::outcome::{OutcomeWrite, write_outcome};
use super::{COMMAND_COLUMNS, CommandRow};
use crate::domain::guard::Scope;
use crate::domain::{LicenceEffect, Outcome, OutcomeKind, SalesforceIds};
use crate::store::commands::held::{GuardScope, HeldSelection, Release, Released};
use crate::store::commands::{CommandRecord, CommandState};
use crate::store::error::StoreError;
use crate::store::outbox::OutboxEvent;
use crate::store::subjects::{HistoryKind, SubjectUpdate};
use crate::store::timestamp;

const RELEASING: &str = "releasing held commands";

/// A `guard_trips` row: scope, tripped at, cleared at, trips, reason.
type TripRow = (String, Option<String>, Option<String>, i64, Option<String>);

impl Store {
    /// Approves or rejects the selected held commands for `actor`.
    pub(crate) async fn release_held(
        &self,
        selection: &HeldSelection,
        release: &Release,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<Released, StoreError> {
        let now = timestamp::to_millis(now);
        let mut transaction = self.begin_write(RELEASING).await?;
        let held = select_held(&mut transaction, selection).await?;
        if let Release::Approve {
            barred: Some(barred),
        } = release
        {
            let count = held
                .iter()
                .filter(|r| r.command.origin.started_by.as_ref() == Some(barred))
                .count();
            if count > 0 {
                return Err(StoreError::OwnRun {
                    actor: barred.clone(),
                    count,
                });
            }
        }
        let mut commands = Vec::with_capacity(held.len());
        for record in held {
            match release {
                Release::Approve { .. } => approve(&mut transaction, &record, actor, now).await?,
                Release::Reject { reason } => {
                    reject(&mut transaction, &record, actor, reason.as_deref(), now).await?;
                }
            }
            commands.push(record.command.id);
        }
        let mut cleared = Vec::new();
        for scope in tripped_scopes(&mut transaction).await? {
            if clear_if_empty(&mut transaction, &scope, now).await? {
                cleared.push(scope.key().to_owned());
            }
        }
        transaction
            .commit()
            .await
            .map_err(|source| classify(RELEASING, source))?;
        Ok(Released { commands, cleared })
    }

    /// Every scope that has tripped, with what it holds now.
    pub(crate) async fn guard_scopes(&self) -> Result<Vec<GuardScope>, StoreError> {
        let fail = |source| classify("reading the guard's scopes", source);
        let rows: Vec<TripRow> = sqlx::query_as(
            "SELECT scope, tripped_at, cleared_at, trips, reason FROM guard_trips \
                 ORDER BY scope",
        )
        .fetch_all(self.readers())
        .await
        .map_err(fail)?;
        let held = CommandState::Held.as_str();
        let mut scopes = Vec::with_capacity(rows.len());
        for (scope, tripped_at, cleared_at, trips, reason) in rows {
            let count: i64 = if scope == Scope::Overall.key() {
                sqlx::query_scalar("SELECT COUNT(*) FROM commands WHERE state = $1")
                    .bind(held)
                    .fetch_one(self.readers())
                    .await
            } else {
                sqlx::query_scalar(
                    "SELECT COUNT(*) FROM commands WHERE state = $1 AND held_source = $2",
                )
                .bind(held)
                .bind(&scope)
                .fetch_one(self.readers())
                .await
            }
            .map_err(fail)?;
            let time = |text: Option<String>| {
                text.map(|t| timestamp::from_text(&t))
                    .transpose()
                    .map_err(|e| super::super::row::unreadable(format!("guard scope {scope}"), e))
            };
            scopes.push(GuardScope {
                tripped_at: time(tripped_at)?,
                cleared_at: time(cleared_at)?,
                trips: u64::try_from(trips).unwrap_or(0),
                held: u64::try_from(count).unwrap_or(0),
                reason,
                scope,
            });
        }
        Ok(scopes)
    }
}

/// The held commands the selection names, oldest first, read under the write lock.
async fn select_held(
    connection: &mut Connection,
    selection: &HeldSelection,
) -> Result<Vec<CommandRecord>, StoreError> {
    let mut query = QueryBuilder::<Db>::new(format!(
        "SELECT {COMMAND_COLUMNS} FROM commands WHERE state = "
    ));
    query.push_bind(CommandState::Held.as_str());
    match selection {
        HeldSelection::All => {}
        HeldSelection::Subject(subject) => {
            query
                .push(" AND subject_key = ")
                .push_bind(subject.as_str().to_owned());
        }
        HeldSelection::Account(account) => {
            query
                .push(" AND subject_key IN (SELECT subject_key FROM subjects WHERE account_ref = ")
                .push_bind(account.clone())
                .push(" OR account_id = ")
                .push_bind(account.clone())
                .push(")");
        }
        HeldSelection::Event(event) => {
            query
                .push(" AND origin_event_id = ")
                .push_bind(event.clone());
        }
    }
    query.push(" ORDER BY seq");
    let rows: Vec<CommandRow> = query
        .build_query_as()
        .fetch_all(&mut *connection)
        .await
        .map_err(|source| classify(RELEASING, source))?;
    rows.into_iter().map(CommandRow::into_record).collect()
}

/// The scopes tripped now.
async fn tripped_scopes(connection: &mut Connection) -> Result<Vec<Scope>, StoreError> {
    let keys: Vec<String> =
        sqlx::query_scalar("SELECT scope FROM guard_trips WHERE tripped_at IS NOT NULL")
            .fetch_all(&mut *connection)
            .await
            .map_err(|source| classify(RELEASING, source))?;
    Ok(keys.iter().map(|key| Scope::from_key(key)).collect())
}

/// Queues the held command (scheduled when due later), recording the approval.
async fn approve(
    connection: &mut Connection,
    record: &CommandRecord,
    actor: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let state = if record.due_at > now {
        CommandState::Scheduled
    } else {
        CommandState::Queued
    };
    let now_text = time_text(now);
    sqlx::query(
        "UPDATE commands SET state = $1, held_reason = NULL, held_source = NULL, updated_at = $2 \
         WHERE command_id = $3 AND state = $4",
    )
    .bind(state.as_str())
    .bind(&now_text)
    .bind(record.command.id.as_str())
    .bind(CommandState::Held.as_str())
    .execute(&mut *connection)
    .await
    .map_err(|source| classify(RELEASING, source))?;
    append_history(
        connection,
        &record.command.subject,
        &now_text,
        HistoryKind::Operator,
        Some(&record.command.id),
        Some(actor),
        &json!({ "action": "approve", "state": state, "held_reason": record.held_reason }),
    )
    .await
}

/// Ends the held command `rejected`, recording the rejection and announcing the outcome.
async fn reject(
    connection: &mut Connection,
    record: &CommandRecord,
    actor: &str,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let now_text = time_text(now);
    append_history(
        connection,
        &record.command.subject,
        &now_text,
        HistoryKind::Operator,
        Some(&record.command.id),
        Some(actor),
        &json!({ "action": "reject", "reason": reason, "held_reason": record.held_reason }),
    )
    .await?;
    let outcome = Outcome {
        kind: OutcomeKind::Rejected,
        salesforce: SalesforceIds::default(),
        licence_effect: LicenceEffect::Unchanged,
        steps: Vec::new(),
        api_calls: 0,
        refusal: None,
        finished_at: now,
        batch: None,
    };
    let mut announcement = OutboxEvent::announcing(&record.command, &outcome);
    let mut note = serde_json::Map::new();
    note.insert("rejected_by".into(), json!(actor));
    if let Some(fields) = announcement.payload.as_object_mut() {
        fields.insert("rejected_by".into(), json!(actor));
        if let Some(reason) = reason {
            fields.insert("rejection_reason".into(), json!(reason));
            note.insert("rejection_reason".into(), json!(reason));
        }
    }
    write_outcome(
        connection,
        OutcomeWrite {
            command: &record.command,
            from: &[CommandState::Held],
            fence: None,
            outcome: &outcome,
            update: &SubjectUpdate::default(),
            announcement: &announcement,
            note,
        },
        &now_text,
    )
    .await?;
    Ok(())
}
