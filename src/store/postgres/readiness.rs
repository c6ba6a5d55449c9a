//! The write check behind `/readyz`: one committed write, taken as every engine write is.
//!
//! The check commits an upsert of the one `store_heartbeat` row under the engine lock, so it
//! goes through what a real write goes through: a pool connection, the advisory lock, the write-ahead log
//! and the commit's flush. A standby or a database set read-only refuses it, as does a full
//! disk. The row is rewritten in place, so nothing grows.

use chrono::{DateTime, Utc};

use super::{PostgresStore, classify, sqlstate, time_text};
use crate::store::error::StoreError;
use crate::store::readiness::{Blocker, WriteRefused};

const CHECKING: &str = "checking the store takes writes";

impl PostgresStore {
    /// Commits the heartbeat row at `now`.
    pub(crate) async fn probe_write(&self, now: DateTime<Utc>) -> Result<(), WriteRefused> {
        let mut transaction = self.begin_write(CHECKING).await.map_err(refused)?;
        sqlx::query(
            "INSERT INTO store_heartbeat (id, written_at) VALUES (1, $1)
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

/// Names the blocker by PostgreSQL's SQLSTATE
/// (https://www.postgresql.org/docs/current/errcodes-appendix.html) where it says more than
/// "try later": 55P03 lock not available, 25006 read-only transaction, 53100 disk full.
fn refused(source: StoreError) -> WriteRefused {
    let code = match &source {
        StoreError::Unavailable { source, .. } | StoreError::Failed { source, .. } => {
            sqlstate(source)
        }
        _ => None,
    };
    let blocker = match code.as_deref() {
        Some("55P03") => Blocker::Locked,
        Some("25006") => Blocker::ReadOnly,
        Some("53100") => Blocker::DiskFull,
        _ => Blocker::of(&source),
    };
    WriteRefused { blocker, source }
}
