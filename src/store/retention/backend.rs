//! Retention's share of the [`Backend`](crate::store::backend::Backend): a trait of its own that
//! every backend also implements, under the same contract.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use super::RetentionKind;
use crate::store::error::StoreError;

#[async_trait]
pub(crate) trait RetentionBackend: Send + Sync + 'static {
    /// Scrubs or deletes at most `limit` records of `kind` older than `older_than`, in one
    /// transaction, recording `now` as when; answers how many.
    async fn sweep_batch(
        &self,
        kind: RetentionKind,
        older_than: DateTime<Utc>,
        limit: u32,
        now: DateTime<Utc>,
    ) -> Result<u64, StoreError>;

    /// How many records of `kind` older than `older_than` a sweep would scrub or delete.
    async fn count_sweepable(
        &self,
        kind: RetentionKind,
        older_than: DateTime<Utc>,
    ) -> Result<u64, StoreError>;
}
