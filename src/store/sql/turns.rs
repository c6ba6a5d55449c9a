//! Turns of the periodic tasks, and the roll call of the replicas sharing the store.
//!
//! Each is one statement, atomic on its own on both databases: the upsert of a turn decides in
//! its `WHERE` whether the current holder may be replaced (PostgreSQL re-checks it on the row it
//! locks; SQLite runs it under its one write lock), so no engine lock is needed and the engine's
//! writes never wait for a turn.

use chrono::{DateTime, Utc};

use super::{Store, classify, time_text};
use crate::store::error::StoreError;

impl Store {
    /// Takes or renews `task`'s turn for `holder` until `until`; answers whether `holder` holds
    /// it now. Another holder's turn is taken only once it expired (`expires_at <= now`).
    pub(crate) async fn take_turn(
        &self,
        task: &str,
        holder: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let taken = sqlx::query(
            "INSERT INTO task_turns (task, holder, expires_at) VALUES ($1, $2, $3) \
             ON CONFLICT (task) DO UPDATE \
             SET holder = excluded.holder, expires_at = excluded.expires_at \
             WHERE task_turns.holder = excluded.holder OR task_turns.expires_at <= $4",
        )
        .bind(task)
        .bind(holder)
        .bind(time_text(until))
        .bind(time_text(now))
        .execute(self.writer())
        .await
        .map_err(|source| classify("taking a periodic task's turn", source))?;
        Ok(taken.rows_affected() == 1)
    }

    /// Gives up `task`'s turn if `holder` holds it, so another replica takes it at once.
    pub(crate) async fn give_up_turn(&self, task: &str, holder: &str) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM task_turns WHERE task = $1 AND holder = $2")
            .bind(task)
            .bind(holder)
            .execute(self.writer())
            .await
            .map_err(|source| classify("giving up a periodic task's turn", source))?;
        Ok(done.rows_affected())
    }

    /// Records `worker` alive until `until`, and answers how many replicas are alive at `now`,
    /// `worker` included.
    pub(crate) async fn roll_call(
        &self,
        worker: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let now = time_text(now);
        sqlx::query(
            "INSERT INTO replicas (worker_id, expires_at) VALUES ($1, $2) \
             ON CONFLICT (worker_id) DO UPDATE SET expires_at = excluded.expires_at",
        )
        .bind(worker)
        .bind(time_text(until))
        .execute(self.writer())
        .await
        .map_err(|source| classify("answering the replicas' roll call", source))?;
        let alive: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM replicas WHERE expires_at > $1")
            .bind(&now)
            .fetch_one(self.writer())
            .await
            .map_err(|source| classify("counting the replicas alive", source))?;
        Ok(u64::try_from(alive).unwrap_or(0).max(1))
    }

    /// Takes `worker` off the roll (at shutdown), and every replica gone before `now`.
    pub(crate) async fn leave_roll(
        &self,
        worker: &str,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let done = sqlx::query("DELETE FROM replicas WHERE worker_id = $1 OR expires_at <= $2")
            .bind(worker)
            .bind(time_text(now))
            .execute(self.writer())
            .await
            .map_err(|source| classify("leaving the replicas' roll", source))?;
        Ok(done.rows_affected())
    }
}
