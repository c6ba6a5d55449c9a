//! Commands the mass-deprovision guard holds, as operators release them: the selection an
//! approval or rejection applies to, what it answers, and the guard's state per scope.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::domain::guard::Policy;
use crate::domain::{CommandId, SubjectKey};
use crate::store::Store;
use crate::store::error::StoreError;

/// Which held commands an approval or a rejection applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HeldSelection {
    /// Every held command.
    All,
    /// The person's held commands.
    Subject(SubjectKey),
    /// Held commands of people whose record names this Account (its key or its Salesforce id).
    Account(String),
    /// Held commands mapped from this inbox event.
    Event(String),
}

/// What an operator does with the selected held commands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Release {
    /// They run: queued (or scheduled, when due later), and not counted by the guard. With
    /// `barred`, nothing runs if any of them comes from a run that operator started: who starts
    /// a run over many people does not also approve what it holds.
    Approve { barred: Option<String> },
    /// They end with the outcome `rejected`, the reason kept in the history.
    Reject { reason: Option<String> },
}

/// The answer to an approval or a rejection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Released {
    /// The commands approved or rejected, in creation order.
    pub commands: Vec<CommandId>,
    /// Scopes whose trip cleared because nothing they held is held any more (`*` is every
    /// source together).
    pub cleared: Vec<String>,
}

/// One scope of the guard as operators see it (`GET /v1/guard`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GuardScope {
    /// `*` for every source together, or a source's name.
    pub scope: String,
    /// Set while the scope holds its deprovisions.
    pub tripped_at: Option<DateTime<Utc>>,
    /// When operators last released it.
    pub cleared_at: Option<DateTime<Utc>>,
    /// How often it has tripped.
    pub trips: u64,
    /// Why it last tripped.
    pub reason: Option<String>,
    /// Commands it holds now.
    pub held: u64,
}

impl Store {
    /// Puts every later [`Store::enqueue`] under the mass-deprovision guard's `policy`, or
    /// takes the guard off with `None`. The service sets it at start-up from `[guard]`; a store
    /// opened without it guards nothing.
    pub fn set_guard(&self, policy: Option<Policy>) {
        let mut guard = self
            .shared
            .guard
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *guard = policy.map(std::sync::Arc::new);
    }

    /// The guard's policy now, if it is on.
    pub fn guard(&self) -> Option<std::sync::Arc<Policy>> {
        self.shared
            .guard
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }

    /// Approves the selected held commands: each is queued (scheduled when due later), with an
    /// `operator` history row naming `actor`. Approved deprovisions do not count in the guard's
    /// window. A scope whose held commands are all released clears, and its window starts
    /// afresh. In one transaction. Nothing is approved when any of them comes from a run
    /// `actor` started ([`StoreError::OwnRun`]): a second person approves what a run over many
    /// people holds.
    pub async fn approve_held(
        &self,
        selection: &HeldSelection,
        actor: &str,
    ) -> Result<Released, StoreError> {
        let release = Release::Approve {
            barred: Some(actor.to_owned()),
        };
        let released = self
            .backend()
            .release_held(selection, &release, actor, self.now())
            .await?;
        Ok(released)
    }

    /// Rejects the selected held commands: each ends with the outcome `rejected` (announced as
    /// `dev.gatehouse.command.rejected`), with an `operator` history row naming `actor` and the
    /// reason. Scopes clear as for [`Store::approve_held`]. In one transaction.
    pub async fn reject_held(
        &self,
        selection: &HeldSelection,
        actor: &str,
        reason: Option<String>,
    ) -> Result<Released, StoreError> {
        let release = Release::Reject { reason };
        let released = self
            .backend()
            .release_held(selection, &release, actor, self.now())
            .await?;
        if !released.commands.is_empty() {
            self.announced();
        }
        Ok(released)
    }

    /// Every scope of the guard that has tripped, with what it holds now.
    pub async fn guard_scopes(&self) -> Result<Vec<GuardScope>, StoreError> {
        self.backend().guard_scopes().await
    }
}
