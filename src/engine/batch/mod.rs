//! Running the commands that are due together, sharing Salesforce requests between people.
//!
//! The worker claims what is due now — never waiting for a batch to fill, so a lone event goes
//! at once — and the batch sorts the claims by the requests they can share ([`Shape`]): new
//! users and changes (`provision`), deprovisions and freezes (`deprovision`). Each group is
//! read with one composite of `IN` queries and written with sObject Collections; each person's
//! part of the answer is settled for that person alone ([`Settled`]): a record's own error is
//! handled by the rules that hold one at a time and never fails the others, and whatever a
//! group runner does not cover goes on alone, through the one-at-a-time executor, under the
//! same claim.

pub mod deprovision;
pub mod limits;
pub mod provision;
mod run;

use std::sync::Arc;

pub use self::limits::BatchLimits;
pub use self::run::Batch;
pub(in crate::engine) use self::run::{keep_claims, log_end};
use super::apply::ApplyError;
use super::executor::{Done, Provisioning};
use super::lease::ClaimHold;
use super::read::KeyFields;
use crate::clock::Clock;
use crate::domain::Intent;
use crate::salesforce::SalesforceClient;
use crate::store::{ClaimedCommand, Store};

/// One person's part of a batch: the claimed command and the run's hold on its claim.
pub struct Member {
    pub claimed: ClaimedCommand,
    pub hold: ClaimHold,
}

/// How one person's part of a batch ended, in the order the members were given.
pub(in crate::engine) enum Settled {
    /// The Salesforce part is done; the command's outcome is read off it.
    Done(Done),
    /// It failed for this person alone; the failure's disposition decides (retry, park, dead
    /// letter), as for a command run alone.
    Failed(ApplyError),
    /// The group runner does not cover this person's case; the command runs alone, under the
    /// same claim, and starts as every run does: by reading the org.
    Alone,
}

/// Which requests a command can share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Shape {
    /// New users and changes to existing ones.
    Provision,
    /// Deactivations, freezes and disables.
    Deprovision,
}

impl Shape {
    /// The shape of a command's intent.
    pub fn of(claimed: &ClaimedCommand) -> Shape {
        match claimed.command.intent {
            Intent::Provision(_) => Shape::Provision,
            Intent::Deprovision(_) => Shape::Deprovision,
        }
    }
}

/// What a group runner works with: the org (its client metered for the batch, so calls made
/// for the group are the batch's, not one person's), the store that keeps checkpoints, the key
/// fields records are found by, the provisions' policy and caches, and the limits of each
/// request.
#[allow(
    dead_code,
    reason = "the store, clock and provisioning are the provision group runner's"
)]
pub(in crate::engine) struct BatchContext<'a> {
    pub client: &'a SalesforceClient,
    pub store: &'a Store,
    pub clock: &'a Arc<dyn Clock>,
    pub keys: &'a KeyFields,
    pub provisioning: &'a Provisioning,
    pub limits: &'a BatchLimits,
}
