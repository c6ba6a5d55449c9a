//! Replicas sharing the store coordinate through it: the periodic tasks take turns (one
//! replica runs each at a time), and each replica answers a roll call so that what is shared
//! among them — the org-wide cap on concurrent Salesforce calls — can be divided.
//!
//! A turn is a lease on a task's name: its holder renews it while it runs the task, and another
//! replica takes it only once it has expired or been given up. Times come from the store's
//! clock, so replicas whose clocks disagree by more than a lease's margin may briefly both
//! believe they hold a turn: every task run under a turn is safe to run twice (a relay's
//! duplicate carries the same `ce_id`; a second prune or licence poll finds nothing to do).

use std::time::Duration;

use chrono::TimeDelta;

use super::Store;
use super::error::StoreError;

impl Store {
    /// Takes `task`'s turn for `holder`, or renews it, for `lease` from now; answers whether
    /// `holder` holds the turn. `false` means another replica holds a turn that has not
    /// expired: it runs the task, this one does not.
    pub async fn take_turn(
        &self,
        task: &str,
        holder: &str,
        lease: Duration,
    ) -> Result<bool, StoreError> {
        let now = self.now();
        let until = now + to_delta(lease);
        self.backend().take_turn(task, holder, now, until).await
    }

    /// Gives up `task`'s turn if `holder` holds it (at shutdown), so that another replica
    /// takes it without waiting for it to expire. Answers whether it did.
    pub async fn give_up_turn(&self, task: &str, holder: &str) -> Result<bool, StoreError> {
        Ok(self.backend().give_up_turn(task, holder).await? > 0)
    }

    /// Records `worker` alive for `ttl` from now and answers how many replicas are alive,
    /// `worker` included (so never 0).
    pub async fn roll_call(&self, worker: &str, ttl: Duration) -> Result<u64, StoreError> {
        let now = self.now();
        self.backend()
            .roll_call(worker, now, now + to_delta(ttl))
            .await
    }

    /// Takes `worker` off the roll (at shutdown), with every replica whose row has expired.
    pub async fn leave_roll(&self, worker: &str) -> Result<u64, StoreError> {
        self.backend().leave_roll(worker, self.now()).await
    }
}

/// A lease as the store's time arithmetic takes it; beyond what it holds, a year (a turn
/// that long is as good as forever).
fn to_delta(lease: Duration) -> TimeDelta {
    TimeDelta::from_std(lease)
        .ok()
        .filter(|d| *d <= TimeDelta::days(365))
        .unwrap_or(TimeDelta::days(365))
}

/// One replica's hold on one periodic task's turn, as the task's loop uses it: asks the store
/// at most once per third of the lease, so a loop that looks every second costs a write every
/// few seconds, and logs when the turn comes or goes.
pub struct TaskTurn {
    store: Store,
    task: &'static str,
    holder: String,
    lease: Duration,
    /// When the store last confirmed the turn; `None` while another replica holds it.
    confirmed: Option<tokio::time::Instant>,
}

impl TaskTurn {
    /// `holder` (this replica's worker id) taking turns at `task` with turns of `lease`.
    pub fn new(store: Store, task: &'static str, holder: &str, lease: Duration) -> TaskTurn {
        TaskTurn {
            store,
            task,
            holder: holder.to_owned(),
            lease,
            confirmed: None,
        }
    }

    /// The task's name.
    pub fn task(&self) -> &'static str {
        self.task
    }

    /// How long a replica waits before asking again while another holds the turn.
    pub fn retry_every(&self) -> Duration {
        self.lease / 3
    }

    /// Whether this replica runs the task now. Renews the turn when a third of the lease has
    /// passed since the store last confirmed it; a store that cannot answer means "not now"
    /// (the task would need the store anyway).
    pub async fn is_mine(&mut self) -> bool {
        if let Some(at) = self.confirmed
            && at.elapsed() < self.lease / 3
        {
            return true;
        }
        let asked_at = tokio::time::Instant::now();
        let held = match self
            .store
            .take_turn(self.task, &self.holder, self.lease)
            .await
        {
            Ok(held) => held,
            Err(e) => {
                tracing::warn!(task = self.task, error = %crate::report::chain(&e), "could not take or renew a periodic task's turn; not running it until the store answers");
                self.confirmed = None;
                return false;
            }
        };
        match (self.confirmed.is_some(), held) {
            (false, true) => tracing::info!(task = self.task, "this replica runs the task now"),
            (true, false) => {
                tracing::info!(task = self.task, "another replica runs the task now")
            }
            _ => {}
        }
        self.confirmed = held.then_some(asked_at);
        held
    }

    /// Gives the turn up (at shutdown) so another replica takes it at once.
    pub async fn give_up(self) {
        if self.confirmed.is_none() {
            return;
        }
        if let Err(e) = self.store.give_up_turn(self.task, &self.holder).await {
            tracing::warn!(task = self.task, error = %crate::report::chain(&e), "could not give up a periodic task's turn; another replica takes it when it expires");
        }
    }
}
