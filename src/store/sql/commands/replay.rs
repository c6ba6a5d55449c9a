//! An operator's replay of a dead-lettered command.

use chrono::{DateTime, Utc};
use serde_json::json;

use super::super::row::unreadable;
use super::super::subjects::append_history;
use super::super::{Store, classify, time_text};
use super::enqueue::insert_command;
use super::load;
use crate::domain::{CommandId, OutcomeKind};
use crate::store::commands::NewCommand;
use crate::store::error::StoreError;
use crate::store::subjects::HistoryKind;
use crate::store::timestamp;

const REPLAYING: &str = "replaying a command";

impl Store {
    /// Copies a dead-lettered command into a new queued one, due now, with the same intent,
    /// origin and item, and records who asked.
    pub(crate) async fn replay(
        &self,
        command_id: &CommandId,
        actor: &str,
        now: DateTime<Utc>,
    ) -> Result<CommandId, StoreError> {
        let fail = |source| classify(REPLAYING, source);
        let mut transaction = self.begin_write(REPLAYING).await?;
        let record = load(&mut transaction, command_id)
            .await?
            .ok_or_else(|| StoreError::UnknownCommand(command_id.clone()))?;
        if record.outcome.as_ref().map(|outcome| outcome.kind) != Some(OutcomeKind::DeadLettered) {
            return Err(StoreError::CommandRefused {
                command_id: command_id.clone(),
                state: record.state,
                action: "be replayed: only dead-lettered commands can",
            });
        }
        let earlier: Option<String> =
            sqlx::query_scalar("SELECT command_id FROM commands WHERE replay_of = $1 LIMIT 1")
                .bind(command_id.as_str())
                .fetch_optional(&mut *transaction)
                .await
                .map_err(fail)?;
        if let Some(earlier) = earlier {
            let replay = CommandId::parse(&earlier)
                .ok_or_else(|| unreadable(format!("command {earlier}"), "not a command id"))?;
            return Err(StoreError::AlreadyReplayed {
                command_id: command_id.clone(),
                replay,
            });
        }
        let now = timestamp::to_millis(now);
        let original = record.command;
        let copy = NewCommand {
            id: CommandId::generate(),
            subject: original.subject.clone(),
            intent: original.intent,
            origin: original.origin,
            item_key: record.item_key,
            due_at: None,
        };
        let replay_id = copy.id.clone();
        insert_command(&mut transaction, copy, Some(command_id), None, now).await?;
        append_history(
            &mut transaction,
            &original.subject,
            &time_text(now),
            HistoryKind::Operator,
            Some(&replay_id),
            Some(actor),
            &json!({ "action": "replay", "replay_of": command_id }),
        )
        .await?;
        transaction.commit().await.map_err(fail)?;
        Ok(replay_id)
    }
}
