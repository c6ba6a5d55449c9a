//! What a worker holds once it claimed due commands.
//!
//! A claim is a handle rather than a bare list so that what the next backends and executors
//! need can join it without changing its callers: every backend checks its [`FencingToken`] on
//! every write made under the claim, and a batching executor takes several commands of
//! different subjects in one claim.

use super::Progress;
use crate::domain::Command;
use crate::store::subjects::SubjectRecord;

/// A command handed to a worker: it is `running` and belongs to that worker until it finishes,
/// retries, parks, or its claim expires.
#[derive(Debug, Clone, PartialEq)]
pub struct ClaimedCommand {
    pub command: Command,
    /// Attempts including this one.
    pub attempts: u32,
    /// What earlier attempts recorded; empty on the first attempt.
    pub progress: Progress,
    /// The subject's lifecycle record as it was at the claim, for the staleness check and the
    /// ids found before.
    pub subject: SubjectRecord,
    /// The claim's token, which every write made for this command under the claim names
    /// (progress, the outcome, a retry or park, a renewal of the lease).
    pub fence: FencingToken,
}

/// Orders the claims of the same command: a later claim always carries a larger token, so a
/// write made under a claim that has since expired and been taken by another worker can be
/// told apart and refused ([`StoreError::ClaimLost`](crate::store::StoreError::ClaimLost)).
///
/// Every backend stores the token of a command's current claim beside it, raises it with each
/// claim, and makes every write under a claim conditional on it (`… WHERE command_id = ? AND
/// state = 'running' AND claim_token = ?`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FencingToken(u64);

impl FencingToken {
    /// The token with this value, as a backend hands it out.
    pub(crate) fn new(value: u64) -> FencingToken {
        FencingToken(value)
    }

    /// The token's value, as it is stored beside the claimed commands.
    pub fn value(self) -> u64 {
        self.0
    }
}

/// A worker's hold on commands it claimed together, granted in one transaction.
///
/// Today every claim holds exactly one command; a claim is what a worker hands to one run of
/// the executor.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    fence: FencingToken,
    commands: Vec<ClaimedCommand>,
}

impl Claim {
    /// A claim of `commands` under `fence`.
    pub(crate) fn new(fence: FencingToken, commands: Vec<ClaimedCommand>) -> Claim {
        Claim { fence, commands }
    }

    /// The token every write made under this claim carries.
    pub fn fence(&self) -> FencingToken {
        self.fence
    }

    /// The commands held, in the order they were claimed.
    pub fn commands(&self) -> &[ClaimedCommand] {
        &self.commands
    }

    /// The commands held, for a worker that runs them one by one.
    pub fn into_commands(self) -> Vec<ClaimedCommand> {
        self.commands
    }
}

impl IntoIterator for Claim {
    type Item = ClaimedCommand;
    type IntoIter = std::vec::IntoIter<ClaimedCommand>;

    fn into_iter(self) -> Self::IntoIter {
        self.commands.into_iter()
    }
}
