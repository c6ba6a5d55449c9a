//! The batch's checkpoints: each person's recorded on their own command, under their own
//! claim, before the call that concerns them — the same checkpoints a single run records
//! (`apply/checkpoint.rs`), so a rerun of any of them, alone or in another batch, reads them
//! as it would a single run's. One step's checkpoints for the whole group are one transaction
//! (`Store::record_progress_many`), each fenced on its own claim.

use std::sync::Arc;

use super::person::Person;
use crate::engine::apply::{ApplyError, Checkpoint};
use crate::engine::batch::BatchContext;
use crate::store::{ProgressWrite, StoreError};

/// Records `checkpoint` for each of `which` that is still open and held; one that cannot be
/// recorded ends its person (before the call it guards). Returns those recorded.
pub(super) async fn record_all(
    cx: &BatchContext<'_>,
    people: &mut [Person<'_>],
    which: &[usize],
    checkpoint: impl for<'p> Fn(&'p Person<'_>) -> Checkpoint<'p>,
) -> Vec<usize> {
    let going: Vec<usize> = which
        .iter()
        .copied()
        .filter(|&i| people[i].may_go_on())
        .collect();
    let items: Vec<ProgressWrite> = going
        .iter()
        .map(|&i| {
            let person = &people[i];
            let point = checkpoint(person);
            ProgressWrite {
                command_id: person.member.claimed.command.id.clone(),
                fence: person.member.hold.fence(),
                key: point.key().to_owned(),
                value: point.value(),
            }
        })
        .collect();
    match cx.store.record_progress_many(&items).await {
        Ok(results) => {
            let mut recorded = Vec::with_capacity(going.len());
            for (i, result) in going.into_iter().zip(results) {
                match result {
                    Ok(()) => recorded.push(i),
                    Err(e) => people[i].fail(ApplyError::Store(e)),
                }
            }
            recorded
        }
        // Nothing was recorded: every one of them stops before the call.
        Err(e) => {
            let shared = Arc::new(e);
            for i in going {
                people[i].fail(ApplyError::Store(StoreError::BatchFailed(shared.clone())));
            }
            Vec::new()
        }
    }
}
