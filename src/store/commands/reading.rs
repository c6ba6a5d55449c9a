//! The queue's read side on the [`Store`] facade, for the scheduler, metrics and operators.
//! Reads use the reader connections and never wait for the writer.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::{CommandFilter, CommandRecord, CommandState};
use crate::domain::{CommandId, OutcomeKind, SubjectKey};
use crate::store::Store;
use crate::store::error::StoreError;

impl Store {
    /// The command with this id and its whole state (`GET /v1/commands/{id}`).
    pub async fn get_command(
        &self,
        command_id: &CommandId,
    ) -> Result<Option<CommandRecord>, StoreError> {
        self.backend().get_command(command_id).await
    }

    /// One page of commands in id (creation) order; dead letters are those whose outcome is
    /// `dead_lettered`.
    pub async fn list_commands(
        &self,
        filter: &CommandFilter,
    ) -> Result<Vec<CommandRecord>, StoreError> {
        self.backend().list_commands(filter).await
    }

    /// The source time of the newest command applied to the subject (`succeeded` or
    /// `no_change`): a command with an older one is stale.
    pub async fn last_applied(
        &self,
        subject: &SubjectKey,
    ) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.backend().last_applied(subject).await
    }

    /// When [`Store::claim_due`] will next find something, so the scheduler can sleep until
    /// then; a past time means now. `None` when nothing waits that time alone will release
    /// (commands behind a running one wait for its end; parked ones for an unpark).
    pub async fn next_due_at(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.backend().next_due_at().await
    }

    /// Commands per state, every state present (zeros included), for metrics.
    pub async fn count_commands_by_state(&self) -> Result<BTreeMap<CommandState, u64>, StoreError> {
        self.backend().count_commands_by_state().await
    }

    /// Commands per outcome, every outcome present (zeros included), for metrics: how many
    /// dead letters wait for an operator, how many commands were superseded.
    pub async fn count_outcomes(&self) -> Result<Vec<(OutcomeKind, u64)>, StoreError> {
        self.backend().count_outcomes().await
    }
}
