//! What applying a provision needs besides the plan, and the one way it records a checkpoint.

use serde_json::{Map, Value};

use super::checkpoint::{Checkpoint, Earlier};
use super::error::ApplyError;
use crate::domain::{CommandId, SubjectKey, WelcomeEmail};
use crate::engine::plan::ObservedProfile;
use crate::engine::read::KeyFields;
use crate::salesforce::{OrgFacts, SalesforceClient};
use crate::store::{FencingToken, Store};

/// What applying a provision needs besides the plan.
pub struct ProvisionContext<'a> {
    pub client: &'a SalesforceClient,
    pub store: &'a Store,
    pub command: &'a CommandId,
    /// The run's claim, which every checkpoint is written under.
    pub fence: FencingToken,
    pub subject: &'a SubjectKey,
    pub keys: &'a KeyFields,
    pub profile: &'a ObservedProfile,
    pub welcome: WelcomeEmail,
    /// The org's shape, read once: the configured site, for membership and welcome emails.
    pub facts: &'a OrgFacts,
    /// Checkpoints of earlier attempts of this command.
    pub progress: &'a Map<String, Value>,
}

impl ProvisionContext<'_> {
    /// Records a checkpoint durably, before the call it guards. A checkpoint that cannot be
    /// written stops the command before that call ([`ApplyError::Store`]); so does one refused
    /// because the run's claim was taken over.
    pub(super) async fn record(&self, checkpoint: Checkpoint<'_>) -> Result<(), ApplyError> {
        self.store
            .record_progress(
                self.command,
                self.fence,
                checkpoint.key(),
                checkpoint.value(),
            )
            .await?;
        Ok(())
    }

    /// The checkpoints earlier attempts of this command recorded.
    pub(super) fn earlier(&self) -> Earlier<'_> {
        Earlier(self.progress)
    }
}
