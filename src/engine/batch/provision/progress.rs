//! The batch's checkpoints: each person's recorded on their own command, under their own
//! claim, before the call that concerns them — the same checkpoints a single run records
//! (`apply/checkpoint.rs`), so a rerun of any of them, alone or in another batch, reads them
//! as it would a single run's.

use super::person::Person;
use crate::engine::apply::{ApplyError, Checkpoint};
use crate::engine::batch::BatchContext;

/// Records `checkpoint` for each of `which` that is still open; one that cannot be recorded
/// ends its person (before the call it guards). Returns those recorded.
pub(super) async fn record_all(
    cx: &BatchContext<'_>,
    people: &mut [Person<'_>],
    which: &[usize],
    checkpoint: impl for<'p> Fn(&'p Person<'_>) -> Checkpoint<'p>,
) -> Vec<usize> {
    let mut recorded = Vec::with_capacity(which.len());
    for &i in which {
        if !people[i].may_go_on() {
            continue;
        }
        let person = &people[i];
        let point = checkpoint(person);
        let written = cx
            .store
            .record_progress(
                &person.member.claimed.command.id,
                person.member.hold.fence(),
                point.key(),
                point.value(),
            )
            .await;
        match written {
            Ok(()) => recorded.push(i),
            Err(e) => people[i].fail(ApplyError::Store(e)),
        }
    }
    recorded
}
