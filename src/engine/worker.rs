//! The worker: claims due commands — one at a time per person — and runs them, sleeping until
//! the next one is due or new work arrives.
//!
//! Alone, each claimed command is one run, and at most `concurrency` run at once. Batching, one
//! claim takes every due command (up to `max_commands`), and those of one [`Shape`] run as one
//! [`Batch`] when there are at least `min_size` of them; the rest run alone. Either way
//! `concurrency` bounds the requests sent to the org at once: every run and every batch takes a
//! permit of one semaphore for each request it has in flight (a batch sends its own requests
//! one after another under one permit; its members that run alone take a permit each).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use tokio::sync::{Notify, Semaphore};
use tokio::task::{Id, JoinSet};
use tokio_util::sync::CancellationToken;

use super::batch::{Batch, BatchLimits, Member, Shape, keep_claims, log_end};
use super::executor::Executor;
use super::lease::{ClaimHold, LeaseKeeper};
use super::licences::FreedLicenceCheck;
use crate::clock::Clock;
use crate::config::BatchConfig;
use crate::report::chain;
use crate::store::{ClaimedCommand, CommandState, Store, TaskTurn};

/// Longest sleep between looks at the queue, so scheduled commands fire even if a wake-up is
/// missed and claims of a crashed peer are taken back.
const MAX_IDLE: Duration = Duration::from_secs(1);

/// Runs commands.
pub struct Worker {
    pub store: Store,
    pub executor: Arc<Executor>,
    pub clock: Arc<dyn Clock>,
    pub concurrency: u32,
    pub worker_id: String,
    pub lease: TimeDelta,
    /// How often to ask the org for freed licences while commands are parked; `None`: never.
    pub licence_check: Option<TimeDelta>,
    /// How due commands share requests; `None`: each runs alone.
    pub batching: Option<Batching>,
}

/// How the worker batches.
#[derive(Debug, Clone, Copy)]
pub struct Batching {
    /// Most commands claimed and not yet ended at once.
    pub max_commands: u32,
    /// A group smaller than this runs one command at a time.
    pub min_size: usize,
    pub limits: BatchLimits,
}

impl Batching {
    /// The configured batching; `None` when switched off.
    pub fn from_config(config: &BatchConfig) -> Option<Batching> {
        config.enabled.then(|| Batching {
            max_commands: config.max_commands,
            min_size: config.min_size as usize,
            limits: BatchLimits::from(config),
        })
    }
}

impl Worker {
    /// Runs until cancelled; then lets running commands finish for up to `grace`.
    pub async fn run(self, wake: Arc<Notify>, cancel: CancellationToken, grace: Duration) {
        // What this worker held when the previous process stopped goes back to the queue: the
        // commands converge when they run again.
        match self.store.release_claims_of(&self.worker_id).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(
                released = n,
                "took back commands left running by the previous process"
            ),
            Err(e) => tracing::error!(error = %chain(&e), "could not release old claims"),
        }
        let permits = Arc::new(Semaphore::new(self.concurrency as usize));
        // Each task's count of commands, to know how many are claimed and not yet ended.
        let mut running: JoinSet<()> = JoinSet::new();
        let mut sizes: HashMap<Id, u32> = HashMap::new();
        let mut licence_check = self.licence_check.map(|every| {
            FreedLicenceCheck::new(self.store.clone(), &self.worker_id, every, self.clock.now())
        });
        loop {
            if let Some(check) = licence_check.as_mut()
                && check.is_due(self.clock.now())
                && !cancel.is_cancelled()
            {
                self.resume_on_freed_licences(check.turn()).await;
            }
            let room = self.room(running.len(), sizes.values().sum());
            if room > 0 && !cancel.is_cancelled() {
                let now = self.clock.now();
                if let Err(e) = self.store.release_expired_claims(now).await {
                    tracing::error!(error = %chain(&e), "could not release expired claims");
                }
                match self
                    .store
                    .claim_due(now, room, &self.worker_id, self.lease)
                    .await
                {
                    Ok(claimed) => {
                        let (batches, alone) = self.group(claimed);
                        for batch in batches {
                            let size = batch.members.len() as u32;
                            let task = running.spawn(self.start_batch(batch, permits.clone()));
                            sizes.insert(task.id(), size);
                        }
                        for command in alone {
                            let task = running.spawn(self.start(command, permits.clone()));
                            sizes.insert(task.id(), 1);
                        }
                    }
                    Err(e) => tracing::error!(error = %chain(&e), "could not claim commands"),
                }
            }
            let idle = self.idle_time().await;
            tokio::select! {
                _ = cancel.cancelled() => break,
                Some(ended) = running.join_next_with_id(), if !running.is_empty() => {
                    let id = match ended {
                        Ok((id, ())) => id,
                        Err(e) => e.id(),
                    };
                    sizes.remove(&id);
                }
                _ = wake.notified() => {}
                _ = tokio::time::sleep(idle) => {}
            }
        }
        if !running.is_empty() {
            tracing::info!(
                running = running.len(),
                "waiting for running commands before stopping"
            );
            let drained = tokio::time::timeout(grace, async {
                while running.join_next().await.is_some() {}
            })
            .await;
            if drained.is_err() {
                // Their claims are released at the next start; the commands converge then.
                running.abort_all();
            }
        }
        if let Some(check) = licence_check {
            check.give_up().await;
        }
    }

    /// How many commands to claim now, given the tasks running and the commands they hold.
    fn room(&self, tasks: usize, commands: u32) -> u32 {
        let tasks = tasks as u32;
        match &self.batching {
            None => self.concurrency.saturating_sub(tasks),
            Some(_) if tasks >= self.concurrency => 0,
            Some(batching) => batching.max_commands.saturating_sub(commands),
        }
    }

    /// Sorts claimed commands into batches (a shape's group of at least `min_size`) and those
    /// that run alone.
    fn group(&self, claimed: Vec<ClaimedCommand>) -> (Vec<Batch>, Vec<ClaimedCommand>) {
        let Some(batching) = &self.batching else {
            return (Vec::new(), claimed);
        };
        let mut groups: Vec<(Shape, Vec<ClaimedCommand>)> = Vec::new();
        for command in claimed {
            let shape = Shape::of(&command);
            match groups.iter_mut().find(|(s, _)| *s == shape) {
                Some((_, group)) => group.push(command),
                None => groups.push((shape, vec![command])),
            }
        }
        let mut batches = Vec::new();
        let mut alone = Vec::new();
        for (shape, group) in groups {
            if group.len() >= batching.min_size.max(2) {
                let members = group
                    .into_iter()
                    .map(|claimed| Member {
                        hold: ClaimHold::new(claimed.command.id.clone(), claimed.fence),
                        claimed,
                    })
                    .collect();
                batches.push(Batch { shape, members });
            } else {
                alone.extend(group);
            }
        }
        (batches, alone)
    }

    fn keeper(&self) -> LeaseKeeper {
        LeaseKeeper {
            store: self.store.clone(),
            clock: self.clock.clone(),
            lease: self.lease,
        }
    }

    /// One claimed command's run, with its lease renewed beside it until the run ends; its
    /// requests wait for a permit.
    fn start(
        &self,
        command: ClaimedCommand,
        permits: Arc<Semaphore>,
    ) -> impl Future<Output = ()> + Send + 'static {
        let executor = self.executor.clone();
        let keeper = self.keeper();
        async move {
            let hold = ClaimHold::new(command.command.id.clone(), command.fence);
            let run = async {
                let Ok(_permit) = permits.acquire().await else {
                    return Ok(None);
                };
                executor.run(command, &hold).await.map(Some)
            };
            tokio::pin!(run);
            let end = tokio::select! {
                end = &mut run => end,
                // The keeper returns only once the claim is lost; the run then stops at its
                // next call or write.
                () = keeper.keep(&hold) => run.await,
            };
            if let Some(end) = end.transpose() {
                log_end(end);
            }
        }
    }

    /// One batch's run, with every member's lease renewed beside it until the batch ends.
    fn start_batch(
        &self,
        batch: Batch,
        permits: Arc<Semaphore>,
    ) -> impl Future<Output = ()> + Send + 'static {
        let executor = self.executor.clone();
        let keeper = self.keeper();
        let limits = self.batching.map(|b| b.limits).unwrap_or_default();
        async move {
            let holds = batch.members.iter().map(|m| m.hold.clone()).collect();
            tokio::select! {
                () = batch.run(&executor, &limits, &permits) => {}
                // Never ends while any claim is held; a lost claim leaves its member out.
                () = keep_claims(&keeper, holds) => {}
            }
        }
    }

    /// Resumes parked commands whose licence type has room again; asks the org only while
    /// something is parked, and only on the replica whose `turn` it is.
    async fn resume_on_freed_licences(&self, turn: &mut TaskTurn) {
        let parked = match self.store.count_commands_by_state().await {
            Ok(counts) => counts.get(&CommandState::Parked).copied().unwrap_or(0),
            Err(e) => {
                tracing::error!(error = %chain(&e), "could not count parked commands");
                return;
            }
        };
        if parked == 0 || !turn.is_mine().await {
            return;
        }
        match super::licences::with_room(self.executor.client(), self.executor.licence_counts())
            .await
        {
            Ok(licences) => {
                for licence in licences {
                    match self.store.unpark(Some(&licence)).await {
                        Ok(0) => {}
                        Ok(resumed) => tracing::info!(
                            licence,
                            resumed,
                            "a licence freed outside Gatehouse resumed parked commands"
                        ),
                        Err(e) => {
                            tracing::error!(error = %chain(&e), "could not resume parked commands")
                        }
                    }
                }
            }
            Err(e) => tracing::warn!(error = %chain(&e), "could not read the org's licence counts"),
        }
    }

    async fn idle_time(&self) -> Duration {
        let Ok(Some(next)) = self.store.next_due_at().await else {
            return MAX_IDLE;
        };
        (next - self.clock.now())
            .to_std()
            .unwrap_or(Duration::ZERO)
            .min(MAX_IDLE)
            .max(Duration::from_millis(50))
    }
}
