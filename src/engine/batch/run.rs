//! One batch's run: the group runner settles the Salesforce part of every member at once, then
//! each member ends as a command run alone ends — the same decisions, parks, retries and
//! follow-ups — with the batch's record on its outcome.

use std::collections::HashMap;
use std::time::Instant;

use futures::StreamExt;
use tokio::sync::Semaphore;
use tracing::Instrument;

use super::{BatchLimits, Member, Settled, Shape, deprovision, provision};
use crate::domain::BatchRecord;
use crate::engine::apply::ApplyError;
use crate::engine::executor::{
    Done, Executor, Prepared, RunEnd, Tally, command_span, log_resumed, stale_since,
};
use crate::engine::lease::{ClaimHold, LeaseKeeper};
use crate::report::chain;
use crate::salesforce::CallMeter;
use crate::store::StoreError;

/// Endings written in one transaction: a few transactions for a burst of thousands, none
/// holding the writer for long.
const ENDINGS_PER_TRANSACTION: usize = 500;

/// Members left to run alone that run at once (each still waits for a request permit).
const ALONE_AT_ONCE: usize = 32;

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
            // The group's calls are the batch's, logged in a span of its own (no command's).
            let span = tracing::info_span!(
                "batch",
                batch = record_id.as_str(),
                shape = ?self.shape,
                size,
            );
            let settled = match self.shape {
                Shape::Provision => provision::converge(&cx, &group).instrument(span).await,
                Shape::Deprovision => deprovision::converge(&cx, &group).instrument(span).await,
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
        let mut settled_members = Vec::new();
        let mut alone = Vec::new();
        for member in self.members {
            match settled.remove(member.claimed.command.id.as_str()) {
                Some(Settled::Done(done)) => settled_members.push((member, Ok(done))),
                Some(Settled::Failed(error)) => settled_members.push((member, Err(error))),
                Some(Settled::Alone) | None => alone.push(member),
            }
        }
        write_endings(executor, settled_members, &record).await;
        let runs = alone
            .into_iter()
            .map(|member| run_alone(executor, member, &record, permits));
        futures::stream::iter(runs)
            .buffer_unordered(ALONE_AT_ONCE)
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

/// Ends the settled members: each ending decided as a command run alone decides it, then
/// written with the others in a few transactions (`Store::end_many`), each fenced on its own
/// claim — what the outcomes cause (follow-ups, parked commands resumed for a freed licence)
/// in the same transactions.
async fn write_endings(
    executor: &Executor,
    members: Vec<(Member, Result<Done, ApplyError>)>,
    record: &BatchRecord,
) {
    let started = Instant::now();
    // The calls the group made are the batch's; a settled member caused none alone.
    let own = CallMeter::new();
    let tally = Tally {
        meter: &own,
        batch: Some(record),
    };
    let mut prepared = Vec::with_capacity(members.len());
    for (member, result) in members {
        let span = command_span(&member.claimed, Some(record));
        let decided =
            span.in_scope(|| executor.prepare(&member.claimed, &member.hold, result, &tally));
        match decided {
            Ok(ending) => prepared.push((member, span, ending)),
            Err(e) => noted(executor, &member, &span, Err(e), started),
        }
    }
    while !prepared.is_empty() {
        let rest = prepared.split_off(prepared.len().min(ENDINGS_PER_TRANSACTION));
        let chunk = std::mem::replace(&mut prepared, rest);
        write_chunk(executor, chunk, started).await;
    }
}

/// Writes one transaction's worth of endings and notes each member's end.
async fn write_chunk(
    executor: &Executor,
    chunk: Vec<(Member, tracing::Span, Prepared)>,
    started: Instant,
) {
    let mut parts = Vec::with_capacity(chunk.len());
    let mut endings = Vec::with_capacity(chunk.len());
    for (member, span, prepared) in chunk {
        let (ending, end, finished) = prepared.into_parts();
        endings.push(ending);
        parts.push((member, span, end, finished));
    }
    let answers: Vec<Result<(), StoreError>> = match executor.store().end_many(endings).await {
        Ok(ended) => {
            log_resumed(ended.resumed);
            ended.endings.into_iter().map(|a| a.map(|_| ())).collect()
        }
        // Nothing of the chunk was written: each command runs again once its claim expires.
        Err(e) => {
            tracing::error!(
                error = %chain(&e),
                commands = parts.len(),
                "the batch's outcomes could not be recorded; they run again when their claims expire"
            );
            parts.iter().map(|_| Err(StoreError::WriterLost)).collect()
        }
    };
    for ((member, span, end, finished), answer) in parts.into_iter().zip(answers) {
        // Counted and logged inside the command's span, as a single run's outcome is.
        let end = answer.map(|()| span.in_scope(|| executor.recorded(end, finished)));
        noted(executor, &member, &span, end, started);
    }
}

/// Notes a settled member's end: counted, its claim no longer kept, a failure logged.
fn noted(
    executor: &Executor,
    member: &Member,
    span: &tracing::Span,
    end: Result<RunEnd, StoreError>,
    started: Instant,
) {
    if let Err(e) = &end
        && e.is_claim_lost()
    {
        member.hold.lose();
    }
    member.hold.end();
    executor.ran(&member.claimed, span, &end, started.elapsed());
    span.in_scope(|| log_end(end));
}

/// Runs a member alone, under a permit of its own: a stale command, or one the group runner
/// did not cover. It starts as every run does, by reading the org.
async fn run_alone(executor: &Executor, member: Member, record: &BatchRecord, permits: &Semaphore) {
    let Member { claimed, hold } = member;
    let Ok(_permit) = permits.acquire().await else {
        return;
    };
    let end = executor.run_alone(claimed, &hold, Some(record)).await;
    hold.end();
    log_end(end);
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

/// Renews every member's claim, together, until each has ended or is lost; never returns.
/// Meant to run beside the batch and be dropped when it ends.
pub(in crate::engine) async fn keep_claims(keeper: &LeaseKeeper, holds: Vec<ClaimHold>) {
    keeper.keep_all(&holds).await;
    std::future::pending::<()>().await;
}
