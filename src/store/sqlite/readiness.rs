//! The write check behind `/readyz`: one committed write on the writer connection.
//!
//! A `BEGIN IMMEDIATE` followed by `ROLLBACK` would cost nothing, but it only takes the lock: in
//! WAL mode it writes no byte, so a full disk or a file system gone read-only under the
//! running process would pass it while every real write fails. The check therefore commits
//! an upsert of the one `store_heartbeat` row, the smallest write that goes through what every
//! accepted event goes through: the one writer connection (queued behind any group commit in
//! progress), SQLite's write lock, a WAL frame and the disk sync. The row is rewritten in
//! place, so nothing grows; the cost is one small commit per check, which the server's
//! readiness keeps to at most one a second.

use chrono::{DateTime, Utc};

use super::{
    SQLITE_BUSY, SQLITE_FULL, SQLITE_LOCKED, SQLITE_READONLY, SqliteStore, classify, primary_code,
    time_text,
};
use crate::store::error::StoreError;
use crate::store::readiness::{Blocker, WriteRefused};

const CHECKING: &str = "checking the store takes writes";

impl SqliteStore {
    /// Commits the heartbeat row at `now` on the writer connection.
    pub(crate) async fn probe_write(&self, now: DateTime<Utc>) -> Result<(), WriteRefused> {
        let mut transaction = self.begin_write(CHECKING).await.map_err(refused)?;
        sqlx::query(
            "INSERT INTO store_heartbeat (id, written_at) VALUES (1, ?1)
             ON CONFLICT (id) DO UPDATE SET written_at = excluded.written_at",
        )
        .bind(time_text(now))
        .execute(&mut *transaction)
        .await
        .map_err(|source| refused(classify(CHECKING, source)))?;
        transaction
            .commit()
            .await
            .map_err(|source| refused(classify(CHECKING, source)))
    }
}

/// Names the blocker by SQLite's result code (https://www.sqlite.org/rescode.html) where it
/// says more than "try later".
fn refused(source: StoreError) -> WriteRefused {
    let code = match &source {
        StoreError::Unavailable { source, .. } | StoreError::Failed { source, .. } => {
            primary_code(source)
        }
        _ => None,
    };
    let blocker = match code {
        // BUSY once the busy timeout ran out before the readiness timeout did.
        Some(SQLITE_BUSY | SQLITE_LOCKED) => Blocker::Locked,
        Some(SQLITE_READONLY) => Blocker::ReadOnly,
        Some(SQLITE_FULL) => Blocker::DiskFull,
        _ => Blocker::of(&source),
    };
    WriteRefused { blocker, source }
}

#[cfg(test)]
mod tests;
