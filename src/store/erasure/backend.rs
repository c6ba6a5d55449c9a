//! The erasures' share of the [`Backend`](crate::store::backend::Backend): a trait of its own
//! that every backend also implements, under the same contract.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::{Erasure, ErasureRequest, PendingErasure, Settled, Tombstone};
use crate::domain::SubjectKey;
use crate::store::error::StoreError;

#[async_trait]
pub(crate) trait ErasureBackend: Send + Sync + 'static {
    /// Erases the person in one transaction (their rows gone, the inbox bodies and reports
    /// that named them emptied of them, the tombstone written, the erasure announced), or
    /// answers why not and writes nothing.
    async fn erase_subject(
        &self,
        subject: &SubjectKey,
        request: &ErasureRequest,
        now: DateTime<Utc>,
    ) -> Result<Erasure, StoreError>;

    /// Keeps the pending erasure (replacing one of the same person) with a history row.
    async fn plan_erasure(&self, pending: &PendingErasure) -> Result<(), StoreError>;

    /// Every pending erasure, oldest first.
    async fn pending_erasures(&self) -> Result<Vec<PendingErasure>, StoreError>;

    /// Erases or abandons `pending` once its deprovision has ended, in one transaction; `None`
    /// while it waits (or when another replica settled it first).
    async fn settle_erasure(
        &self,
        pending: &PendingErasure,
        now: DateTime<Utc>,
    ) -> Result<Option<Settled>, StoreError>;

    /// The tombstone with this key hash.
    async fn tombstone(&self, key_hash: &str) -> Result<Option<Tombstone>, StoreError>;
}
