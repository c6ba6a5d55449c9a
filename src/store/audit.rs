//! The operators' audit trail on the [`Store`] facade: who did or read what, when and why.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::store::Store;
use crate::store::error::StoreError;

/// One operator request to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuditEntry {
    pub actor: String,
    /// The roles held, comma-separated.
    pub roles: String,
    /// The method and route pattern, e.g. `POST /v1/commands/{id}/replay`.
    pub action: String,
    /// The route's ids that name no person (`id=cmd_…`, `source=…`), space-separated.
    pub target: Option<String>,
    pub reason: Option<String>,
    /// The person the request is about, when it names one.
    pub subject_key: Option<String>,
    /// The request's query values as JSON (they may name a person or an Account).
    pub personal: Option<serde_json::Value>,
}

/// One kept entry, as `GET /v1/audit` answers it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub actor: String,
    pub roles: String,
    pub action: String,
    pub target: Option<String>,
    pub reason: Option<String>,
    pub subject_key: Option<String>,
    pub personal: Option<serde_json::Value>,
}

/// Which entries to list: newest first, before `before` (a `seq`), of `actor` or `subject`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub actor: Option<String>,
    pub subject: Option<String>,
    pub before: Option<i64>,
    pub limit: u32,
}

/// The audit trail's share of the backend.
#[async_trait]
pub(crate) trait AuditBackend: Send + Sync + 'static {
    /// Keeps the entry at `now`; answers its `seq`.
    async fn record_audit(
        &self,
        entry: &NewAuditEntry,
        now: DateTime<Utc>,
    ) -> Result<i64, StoreError>;

    /// The entries the filter selects, newest first.
    async fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError>;
}

impl Store {
    /// Keeps an operator's request in the audit trail, at the store's time.
    pub async fn record_audit(&self, entry: &NewAuditEntry) -> Result<i64, StoreError> {
        self.backend().record_audit(entry, self.now()).await
    }

    /// Audit entries, newest first.
    pub async fn audit_entries(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        self.backend().audit_entries(filter).await
    }
}
