//! A batch's writes: the checkpoints, renewals and endings of many running commands, each
//! batch of them in one transaction instead of one transaction per command.
//!
//! Every item names its own command and claim token and is fenced on its own, as the
//! one-command writes are: an item whose claim was lost writes nothing and is answered
//! [`StoreError::ClaimLost`] in its own slot, and the other items land. A failure of the store
//! itself (busy, broken) rolls the whole transaction back and fails every item.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::Value;

use super::{FencingToken, NewCommand, check_storable};
use crate::domain::{CommandId, Outcome, Refusal};
use crate::store::Store;
use crate::store::error::StoreError;
use crate::store::outbox::{OutboxEvent, OutboxId};
use crate::store::subjects::SubjectUpdate;
use crate::store::timestamp;

/// One checkpoint of a batch: `key: value` merged into the progress of the command running
/// under `fence`, as [`Store::record_progress`] records it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgressWrite {
    pub command_id: CommandId,
    pub fence: FencingToken,
    pub key: String,
    pub value: Value,
}

/// A command that brought the org to its desired state (or was refused for good), with what
/// its outcome causes.
#[derive(Debug, Clone, PartialEq)]
pub struct Finish {
    pub command_id: CommandId,
    pub fence: FencingToken,
    pub outcome: Outcome,
    pub update: SubjectUpdate,
    pub announcement: OutboxEvent,
    /// The licence the outcome gave back (a deactivation): the commands parked on it are
    /// queued again, due now.
    pub freed: Option<String>,
    /// Commands the outcome causes (the deactivation that follows a freeze after its grace
    /// period), enqueued as [`Store::enqueue`] would with the command's own inbox event: one
    /// already stored for its (event, item key) is not stored again.
    pub follow_ups: Vec<NewCommand>,
}

/// How one command of a batch ends its run: the same effects as [`Store::finish`],
/// [`Store::retry_later`] and [`Store::park`].
#[derive(Debug, Clone, PartialEq)]
pub enum Ending {
    Finish(Box<Finish>),
    Retry {
        command_id: CommandId,
        fence: FencingToken,
        due_at: DateTime<Utc>,
        error: Refusal,
    },
    Park {
        command_id: CommandId,
        fence: FencingToken,
        reason: String,
        licence: Option<String>,
    },
}

impl Ending {
    /// The command the ending is for.
    pub fn command_id(&self) -> &CommandId {
        match self {
            Ending::Finish(finish) => &finish.command_id,
            Ending::Retry { command_id, .. } | Ending::Park { command_id, .. } => command_id,
        }
    }

    /// The claim the ending is written under.
    pub fn fence(&self) -> FencingToken {
        match self {
            Ending::Finish(finish) => finish.fence,
            Ending::Retry { fence, .. } | Ending::Park { fence, .. } => *fence,
        }
    }

    /// Why the ending cannot be stored faithfully, if it cannot; checked before any write.
    pub(crate) fn unstorable(&self) -> Option<StoreError> {
        match self {
            Ending::Retry { due_at, .. } if !timestamp::is_storable(*due_at) => {
                Some(StoreError::InvalidTime("the retry time"))
            }
            Ending::Finish(finish) => check_storable(&finish.follow_ups).err(),
            _ => None,
        }
    }

    /// The same ending with its follow-ups' times cut to what the store keeps.
    pub(crate) fn cut_to_millis(self) -> Ending {
        match self {
            Ending::Finish(mut finish) => {
                finish.follow_ups = std::mem::take(&mut finish.follow_ups)
                    .into_iter()
                    .map(NewCommand::cut_to_millis)
                    .collect();
                Ending::Finish(finish)
            }
            other => other,
        }
    }
}

/// What [`Store::end_many`] did: one answer per ending, in the order given (the announcement's
/// outbox id for a finish), and how many parked commands the freed licences resumed.
#[derive(Debug)]
pub struct EndedMany {
    pub endings: Vec<Result<Option<OutboxId>, StoreError>>,
    pub resumed: u64,
}

/// What [`Store::renew_many`] did: the claims' new end, and the commands whose claim was no
/// longer held under the token given (nothing was written for them).
#[derive(Debug, Clone, PartialEq)]
pub struct RenewedMany {
    pub until: DateTime<Utc>,
    pub lost: Vec<CommandId>,
}

/// Whether an error of one item is that item's own (its claim, its state, its input), answered
/// in its slot, rather than the store's, which fails the whole batch.
pub(crate) fn is_items_own(error: &StoreError) -> bool {
    matches!(
        error,
        StoreError::ClaimLost { .. }
            | StoreError::CommandRefused { .. }
            | StoreError::UnknownCommand(_)
            | StoreError::InvalidTime(_)
            | StoreError::InvalidCommand { .. }
            | StoreError::Unwritable { .. }
    )
}

impl Store {
    /// Records every checkpoint in one transaction, each as [`Store::record_progress`] does (the
    /// command's progress and a history row), each fenced on its own token. Answers one result
    /// per item, in order: an item whose claim is no longer held wrote nothing and is
    /// [`StoreError::ClaimLost`]; the others are recorded. A store failure records none of them
    /// and is the outer error.
    pub async fn record_progress_many(
        &self,
        items: &[ProgressWrite],
    ) -> Result<Vec<Result<(), StoreError>>, StoreError> {
        if items.is_empty() {
            return Ok(Vec::new());
        }
        self.backend().record_progress_many(items, self.now()).await
    }

    /// Extends every claim to `lease` from now in one transaction, each fenced on its own
    /// token; answers the new end and the claims that are no longer held.
    pub async fn renew_many(
        &self,
        claims: &[(CommandId, FencingToken)],
        lease: TimeDelta,
    ) -> Result<RenewedMany, StoreError> {
        let until = self
            .now()
            .checked_add_signed(lease)
            .map(timestamp::to_millis)
            .ok_or(StoreError::InvalidTime("the end of the claim"))?;
        let lost = if claims.is_empty() {
            Vec::new()
        } else {
            self.backend().renew_many(claims, until).await?
        };
        Ok(RenewedMany { until, lost })
    }

    /// Ends many running commands in one transaction, each as [`Store::finish`],
    /// [`Store::retry_later`] or [`Store::park`] would, each fenced on its own token: an ending
    /// whose claim is no longer held writes nothing — nor what its outcome causes — and is
    /// [`StoreError::ClaimLost`] in its slot, and the others land.
    ///
    /// What the finishes cause is written in the same transaction: their follow-up commands
    /// before the endings, as one command's run writes them before its outcome; and the
    /// commands parked on the licences they freed are queued again after the endings, so that
    /// one parked in this very batch waits no longer than one parked before it. A store failure
    /// writes nothing and is the outer error.
    pub async fn end_many(&self, endings: Vec<Ending>) -> Result<EndedMany, StoreError> {
        let mut refused: Vec<Option<StoreError>> = Vec::with_capacity(endings.len());
        let mut storable = Vec::with_capacity(endings.len());
        for ending in endings {
            match ending.unstorable() {
                Some(problem) => refused.push(Some(problem)),
                None => {
                    refused.push(None);
                    storable.push(ending.cut_to_millis());
                }
            }
        }
        let ended = if storable.is_empty() {
            EndedMany {
                endings: Vec::new(),
                resumed: 0,
            }
        } else {
            self.backend().end_many(storable, self.now()).await?
        };
        if ended.endings.iter().any(|e| matches!(e, Ok(Some(_)))) {
            self.announced();
        }
        let mut written = ended.endings.into_iter();
        let endings = refused
            .into_iter()
            .map(|refusal| match refusal {
                Some(problem) => Err(problem),
                None => written.next().unwrap_or(Err(StoreError::WriterLost)),
            })
            .collect();
        Ok(EndedMany {
            endings,
            resumed: ended.resumed,
        })
    }
}
