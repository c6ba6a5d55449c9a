//! The worker: claims due commands — one at a time per person, up to the concurrency limit —
//! and runs them, sleeping until the next one is due or new work arrives.

use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use tokio::sync::Notify;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use super::executor::Executor;
use super::lease::{ClaimHold, LeaseKeeper};
use super::licences::FreedLicenceCheck;
use crate::clock::Clock;
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
        let mut running = JoinSet::new();
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
            let free = self.concurrency.saturating_sub(running.len() as u32);
            if free > 0 && !cancel.is_cancelled() {
                let now = self.clock.now();
                if let Err(e) = self.store.release_expired_claims(now).await {
                    tracing::error!(error = %chain(&e), "could not release expired claims");
                }
                match self
                    .store
                    .claim_due(now, free, &self.worker_id, self.lease)
                    .await
                {
                    Ok(claimed) => {
                        for command in claimed {
                            running.spawn(self.start(command));
                        }
                    }
                    Err(e) => tracing::error!(error = %chain(&e), "could not claim commands"),
                }
            }
            let idle = self.idle_time().await;
            tokio::select! {
                _ = cancel.cancelled() => break,
                Some(_) = running.join_next(), if !running.is_empty() => {}
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

    /// One claimed command's run, with its lease renewed beside it until the run ends.
    fn start(&self, command: ClaimedCommand) -> impl Future<Output = ()> + Send + 'static {
        let executor = self.executor.clone();
        let keeper = LeaseKeeper {
            store: self.store.clone(),
            clock: self.clock.clone(),
            lease: self.lease,
        };
        async move {
            let hold = ClaimHold::new(command.command.id.clone(), command.fence);
            let run = executor.run(command, &hold);
            tokio::pin!(run);
            let end = tokio::select! {
                end = &mut run => end,
                // The keeper returns only once the claim is lost; the run then stops at its
                // next call or write.
                () = keeper.keep(&hold) => run.await,
            };
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
