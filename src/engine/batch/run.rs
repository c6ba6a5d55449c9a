//! One batch's run: the group runner settles the Salesforce part of every member at once, then
//! each member ends as a command run alone ends — the same decisions, parks, retries and
//! follow-ups — with the batch's record on its outcome.

use std::collections::HashMap;

use futures::StreamExt;
use futures::future::join_all;
use tokio::sync::Semaphore;

use super::{BatchLimits, Member, Settled, Shape, deprovision, provision};
use crate::domain::{BatchRecord, LicenceEffect};
use crate::engine::executor::{Done, Executor, Part, RunEnd, stale_since};
use crate::engine::lease::{ClaimHold, LeaseKeeper};
use crate::report::chain;
use crate::salesforce::CallMeter;
use crate::store::StoreError;

/// Endings written at once: enough for the store to commit several together, few enough that
/// a burst of thousands holds no thousands of pending writes.
const ENDINGS_AT_ONCE: usize = 32;

/// A group of claimed commands of one shape, run together.
pub struct Batch {
    pub shape: Shape,
    pub members: Vec<Member>,
}

impl Batch {
    /// Runs the batch to every member's next state. `permits` bound the requests sent to the
    /// org at once, shared with every other run of the worker: the group's requests go one
    /// after another under one permit, and each member that runs alone takes its own.
    pub(in crate::engine) async fn run(
        self,
        executor: &Executor,
        limits: &BatchLimits,
        permits: &Semaphore,
    ) {
        let record_id = format!("bat_{}", uuid::Uuid::now_v7().hyphenated());
        let size = u32::try_from(self.members.len()).unwrap_or(u32::MAX);
        let meter = CallMeter::new();
        // Stale members end at once, as alone; members whose claim is already lost take no part.
        let group: Vec<&Member> = self
            .members
            .iter()
            .filter(|m| stale_since(&m.claimed).is_none() && !m.hold.is_lost())
            .collect();
        let mut settled = if group.is_empty() {
            HashMap::new()
        } else {
            let Ok(_permit) = permits.acquire().await else {
                return;
            };
            let client = executor.client().metered(&meter);
            let cx = executor.batch_context(&client, limits);
            let settled = match self.shape {
                Shape::Provision => provision::converge(&cx, &group).await,
                Shape::Deprovision => deprovision::converge(&cx, &group).await,
            };
            pair(&group, settled)
        };
        let record = BatchRecord {
            id: record_id,
            size,
            api_calls: meter.calls(),
        };
        tracing::info!(
            batch = record.id.as_str(),
            shape = ?self.shape,
            size,
            api_calls = record.api_calls,
            "batch settled"
        );
        // What follows from the outcomes is written before them, as for a command run alone.
        let resumed = resume_parked(executor, &settled).await;
        let endings = self.members.into_iter().map(|member| {
            let part = settled.remove(member.claimed.command.id.as_str());
            end(executor, member, part, &record, permits, resumed)
        });
        futures::stream::iter(endings)
            .buffer_unordered(ENDINGS_AT_ONCE)
            .collect::<Vec<()>>()
            .await;
    }
}

/// Each member's settlement, by its command id; a runner that answered a different number
/// than it was given settles nobody (everyone then runs alone).
fn pair(group: &[&Member], settled: Vec<Settled>) -> HashMap<String, Settled> {
    if settled.len() != group.len() {
        tracing::error!(
            members = group.len(),
            settled = settled.len(),
            "a group runner settled a different number of members than it was given; each runs alone"
        );
        return Default::default();
    }
    group
        .iter()
        .map(|m| m.claimed.command.id.as_str().to_owned())
        .zip(settled)
        .collect()
}

/// Ends one member: a settled part is recorded; an unsettled one (stale, or not covered by the
/// runner) runs alone under a permit.
async fn end(
    executor: &Executor,
    member: Member,
    settled: Option<Settled>,
    record: &BatchRecord,
    permits: &Semaphore,
    resumed: bool,
) {
    let Member { claimed, hold } = member;
    let result = match settled {
        Some(Settled::Done(done)) => Ok(done),
        Some(Settled::Failed(error)) => Err(error),
        Some(Settled::Alone) | None => {
            let Ok(_permit) = permits.acquire().await else {
                return;
            };
            let end = executor
                .run_part(claimed, &hold, Part::Own, Some(record))
                .await;
            return log_end(end);
        }
    };
    let part = Part::Settled {
        result: Box::new(result),
        resumed,
    };
    log_end(executor.run_part(claimed, &hold, part, Some(record)).await);
}

/// Resumes the commands parked for each licence the batch's members freed: once a licence,
/// where each member run alone would do it once for itself (a write each). `false` when the
/// store refused one: each member then does it itself as it ends.
async fn resume_parked(executor: &Executor, settled: &HashMap<String, Settled>) -> bool {
    let mut freed: Vec<&str> = settled
        .values()
        .filter_map(|s| match s {
            Settled::Done(Done::Changed(applied)) => match &applied.licence_effect {
                LicenceEffect::Freed { licence } => Some(licence.as_str()),
                _ => None,
            },
            _ => None,
        })
        .collect();
    freed.sort_unstable();
    freed.dedup();
    for licence in freed {
        match executor.store().unpark(Some(licence)).await {
            Ok(0) => {}
            Ok(resumed) => {
                tracing::info!(licence, resumed, "a freed licence resumed parked commands")
            }
            Err(e) => {
                tracing::warn!(
                    error = %chain(&e),
                    "could not resume parked commands for the batch; each member does as it ends"
                );
                return false;
            }
        }
    }
    true
}

/// Logs a run's end the way the worker logs every run.
pub(in crate::engine) fn log_end(end: Result<RunEnd, StoreError>) {
    match end {
        Ok(_) => {}
        Err(e) if e.is_claim_lost() => tracing::warn!(
            error = %chain(&e),
            "the command's claim was lost; its new holder carries it on"
        ),
        Err(e) => tracing::error!(
            error = %chain(&e),
            "command could not be recorded; it runs again when its claim expires"
        ),
    }
}

/// Renews every member's claim until each is lost; never returns otherwise. Meant to run
/// beside the batch and be dropped when it ends. One keeper per member for now.
pub(in crate::engine) async fn keep_claims(keeper: &LeaseKeeper, holds: Vec<ClaimHold>) {
    join_all(holds.iter().map(|hold| keeper.keep(hold))).await;
    std::future::pending::<()>().await;
}
