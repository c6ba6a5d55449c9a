//! Reading commands back for operators and metrics.

use std::collections::BTreeMap;

use super::super::Db;
use sqlx::QueryBuilder;

use super::super::row::unreadable;
use super::super::{Store, classify};
use super::{COMMAND_COLUMNS, CommandRow};
use crate::domain::{CommandId, OutcomeKind};
use crate::store::commands::{CommandFilter, CommandRecord, CommandState};
use crate::store::error::StoreError;
use crate::store::stored_name::OUTCOME_KINDS;

impl Store {
    pub(crate) async fn get_command(
        &self,
        command_id: &CommandId,
    ) -> Result<Option<CommandRecord>, StoreError> {
        let row: Option<CommandRow> = sqlx::query_as(&format!(
            "SELECT {COMMAND_COLUMNS} FROM commands WHERE command_id = $1"
        ))
        .bind(command_id.as_str())
        .fetch_optional(self.readers())
        .await
        .map_err(|source| classify("reading a command", source))?;
        row.map(CommandRow::into_record).transpose()
    }

    /// One page of commands in id order.
    pub(crate) async fn list_commands(
        &self,
        filter: &CommandFilter,
    ) -> Result<Vec<CommandRecord>, StoreError> {
        if filter.capped_limit() == 0 {
            return Ok(Vec::new());
        }
        let mut query = QueryBuilder::<Db>::new(format!(
            "SELECT {COMMAND_COLUMNS} FROM commands WHERE 1 = 1"
        ));
        if let Some(state) = filter.state {
            query.push(" AND state = ").push_bind(state.as_str());
        }
        if let Some(outcome) = filter.outcome {
            query
                .push(" AND outcome_kind = ")
                .push_bind(outcome.as_str());
        }
        if let Some(subject) = &filter.subject {
            query
                .push(" AND subject_key = ")
                .push_bind(subject.as_str().to_owned());
        }
        if let Some(account) = &filter.account {
            query
                .push(" AND subject_key IN (SELECT subject_key FROM subjects WHERE account_ref = ")
                .push_bind(account.clone())
                .push(" OR account_id = ")
                .push_bind(account.clone())
                .push(")");
        }
        if let Some(event) = &filter.event {
            query
                .push(" AND origin_event_id = ")
                .push_bind(event.clone());
        }
        if let Some(after) = &filter.after {
            query
                .push(" AND command_id > ")
                .push_bind(after.as_str().to_owned());
        }
        query
            .push(" ORDER BY command_id LIMIT ")
            .push_bind(i64::from(filter.capped_limit()));
        let rows: Vec<CommandRow> = query
            .build_query_as()
            .fetch_all(self.readers())
            .await
            .map_err(|source| classify("listing commands", source))?;
        rows.into_iter().map(CommandRow::into_record).collect()
    }

    /// Commands per state, every state present (zeros included).
    pub(crate) async fn count_commands_by_state(
        &self,
    ) -> Result<BTreeMap<CommandState, u64>, StoreError> {
        let rows: Vec<(String, i64)> =
            sqlx::query_as("SELECT state, COUNT(*) FROM commands GROUP BY state")
                .fetch_all(self.readers())
                .await
                .map_err(|source| classify("counting commands", source))?;
        let mut counts: BTreeMap<CommandState, u64> =
            CommandState::ALL.iter().map(|state| (*state, 0)).collect();
        for (name, count) in rows {
            let what = || format!("the count of commands in state {name:?}");
            let state: CommandState = name.parse().map_err(|e| unreadable(what(), e))?;
            let count = u64::try_from(count).map_err(|e| unreadable(what(), e))?;
            counts.insert(state, count);
        }
        Ok(counts)
    }

    pub(crate) async fn count_outcomes(&self) -> Result<Vec<(OutcomeKind, u64)>, StoreError> {
        let rows: Vec<(String, i64)> = sqlx::query_as(
            "SELECT outcome_kind, COUNT(*) FROM commands WHERE outcome_kind IS NOT NULL GROUP BY outcome_kind",
        )
        .fetch_all(self.readers())
        .await
        .map_err(|source| classify("counting outcomes", source))?;
        let mut counts: Vec<(OutcomeKind, u64)> =
            OUTCOME_KINDS.into_iter().map(|kind| (kind, 0)).collect();
        for (name, count) in rows {
            let what = || format!("the count of commands with outcome {name:?}");
            let count = u64::try_from(count).map_err(|e| unreadable(what(), e))?;
            match counts.iter_mut().find(|(kind, _)| kind.as_str() == name) {
                Some(slot) => slot.1 = count,
                None => return Err(unreadable(what(), "not an outcome")),
            }
        }
        Ok(counts)
    }
}
