//! Reconciliation with the org: read every external user in query batches, compare them with
//! the lifecycle records and the last intents, report each drift with its evidence, and — when
//! applying — put right what the policies say to repair, as ordinary commands with actor
//! `reconcile` through `Store::enqueue` (so whatever holds deprovisions there holds these).
//! A dry run (the default when asked for) enqueues nothing and says what it would enqueue.

mod adopt;
mod drift;
mod schedule;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde::Serialize;
use serde_json::json;
use thiserror::Error;

pub use adopt::{AdoptError, Adopted};
pub use drift::{Drift, DriftClass};
pub use schedule::{TURN, spawn};

use crate::clock::Clock;
use crate::config::{Policy, ReconcileConfig};
use crate::domain::{
    CommandId, Deprovision, DeprovisionMode, Intent, Origin, Provision, SubjectKey,
};
use crate::reconcile::org_view;
use crate::salesforce::{CallError, Paging, SalesforceClient};
use crate::store::{NewCommand, Store, StoreError, SubjectFilter, SubjectRecord, SubjectState};

/// The actor of the commands a reconciliation enqueues.
pub const ACTOR: &str = "reconcile";

/// Why a run could not finish. Nothing is enqueued before the org was read whole.
#[derive(Debug, Error)]
pub enum ReconcileError {
    #[error("reading the org")]
    Org(#[source] CallError),
    #[error("reading or writing the store")]
    Store(#[source] StoreError),
    /// A record's key that is no longer a usable subject key (a rule changed since).
    #[error("subject key '{key}' cannot take a command: {reason}")]
    Key { key: String, reason: String },
}

/// One finding of a run and what was done about it.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    #[serde(flatten)]
    pub drift: Drift,
    /// `report`, `repair` (a dry run's plan) or `repaired` (enqueued).
    pub action: &'static str,
    /// What a repair enqueues: `provision` (the last intent again) or `deprovision`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repair: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command_id: Option<String>,
}

/// A run's report, kept in the store and shown by the CLI and the admin API.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub run_id: String,
    pub started_at: chrono::DateTime<chrono::Utc>,
    pub finished_at: chrono::DateTime<chrono::Utc>,
    pub applied: bool,
    pub batch_size: u16,
    /// External users read, and the API calls reading the org cost.
    pub org_users: usize,
    pub api_calls: u64,
    pub records: usize,
    /// Findings per class.
    pub counts: BTreeMap<&'static str, usize>,
    pub findings: Vec<Finding>,
}

/// Runs reconciliations with one org and one store.
pub struct Reconciler {
    pub store: Store,
    pub client: SalesforceClient,
    pub clock: Arc<dyn Clock>,
    pub config: ReconcileConfig,
    pub contact_key_field: String,
}

impl Reconciler {
    /// One run. `apply` enqueues the repairs the policies ask for; `batch_size` overrides the
    /// configured one (200 to 2,000); `progress` hears of each query batch (records read,
    /// total); `started_by` is the operator who asked for it (kept on the repairs, so they
    /// cannot approve them should the guard hold them), `None` for a scheduled run.
    pub async fn run(
        &self,
        apply: bool,
        batch_size: Option<u16>,
        progress: Option<&(dyn Fn(usize, u64) + Send + Sync)>,
        started_by: Option<&str>,
    ) -> Result<Report, ReconcileError> {
        let started_at = self.clock.now();
        let records = self.records().await?;
        let intents: BTreeMap<String, Provision> = self
            .store
            .last_provisions()
            .await
            .map_err(ReconcileError::Store)?
            .into_iter()
            .collect();
        let batch_size = batch_size
            .unwrap_or(self.config.batch_size)
            .clamp(200, 2000);
        let paging = Paging {
            batch_size: Some(batch_size),
            on_batch: progress,
        };
        let view = org_view::read(&self.client, &self.contact_key_field, &paging)
            .await
            .map_err(ReconcileError::Org)?;
        let absent: BTreeSet<String> = records
            .iter()
            .filter(|r| r.state == SubjectState::Provisioned)
            .filter_map(|r| r.user_id.clone())
            .filter(|id| !view.users.contains_key(id))
            .collect();
        let (lookups, lookup_calls) = if absent.is_empty() {
            (BTreeMap::new(), 0)
        } else {
            org_view::lookup_missing(&self.client, &absent)
                .await
                .map_err(ReconcileError::Org)?
        };
        let drifts = drift::classify(&records, &intents, &view, &lookups);
        let by_key: BTreeMap<&str, &SubjectRecord> = records
            .iter()
            .map(|r| (r.subject_key.as_str(), r))
            .collect();
        let apply = apply.then_some(started_by);
        let findings = self.act(drifts, &by_key, &intents, apply).await?;
        let mut counts = BTreeMap::new();
        for finding in &findings {
            *counts.entry(finding.drift.class.name()).or_insert(0) += 1;
        }
        let report = Report {
            run_id: CommandId::generate().as_str().to_owned(),
            started_at,
            finished_at: self.clock.now(),
            applied: apply.is_some(),
            batch_size,
            org_users: view.users.len(),
            api_calls: view.calls + lookup_calls,
            records: records.len(),
            counts,
            findings,
        };
        let kept = serde_json::to_value(&report).unwrap_or_else(|_| json!({}));
        self.store
            .save_reconcile_report(&report.run_id, report.started_at, report.finished_at, &kept)
            .await
            .map_err(ReconcileError::Store)?;
        tracing::info!(
            run_id = report.run_id,
            applied = apply.is_some(),
            org_users = report.org_users,
            api_calls = report.api_calls,
            findings = report.findings.len(),
            "reconciled the org with the lifecycle records"
        );
        Ok(report)
    }

    /// Every lifecycle record, a page at a time.
    async fn records(&self) -> Result<Vec<SubjectRecord>, ReconcileError> {
        let mut all = Vec::new();
        let mut filter = SubjectFilter {
            limit: SubjectFilter::MAX_LIMIT,
            ..SubjectFilter::default()
        };
        loop {
            let page = self
                .store
                .list_subjects(&filter)
                .await
                .map_err(ReconcileError::Store)?;
            let Some(last) = page.last() else { break };
            filter.after = Some(last.subject_key.clone());
            let full = page.len() == SubjectFilter::MAX_LIMIT as usize;
            all.extend(page);
            if !full {
                break;
            }
        }
        Ok(all)
    }

    /// Decides each finding's action and, when applying (`Some` of who started the run),
    /// enqueues the repairs.
    async fn act(
        &self,
        drifts: Vec<Drift>,
        records: &BTreeMap<&str, &SubjectRecord>,
        intents: &BTreeMap<String, Provision>,
        apply: Option<Option<&str>>,
    ) -> Result<Vec<Finding>, ReconcileError> {
        let mut findings = Vec::new();
        let mut repaired: BTreeSet<String> = BTreeSet::new();
        for drift in drifts {
            let key = drift.subject_key.clone().unwrap_or_default();
            let intent = match self.policy(drift.class) {
                Policy::Repair => records
                    .get(key.as_str())
                    .and_then(|record| repair_intent(drift.class, record, intents.get(&key))),
                Policy::Report => None,
            };
            let mut finding = Finding {
                drift,
                action: "report",
                repair: intent.as_ref().map(Intent::kind),
                command_id: None,
            };
            if let Some(intent) = intent {
                finding.action = "repair";
                // One command per person, however many drifts they show.
                if let Some(started_by) = apply
                    && repaired.insert(key.clone())
                {
                    finding.command_id = Some(self.enqueue(&key, intent, started_by).await?);
                    finding.action = "repaired";
                } else if apply.is_some() {
                    finding.action = "repaired";
                }
            }
            findings.push(finding);
        }
        Ok(findings)
    }

    fn policy(&self, class: DriftClass) -> Policy {
        let policies = &self.config.policy;
        match class {
            DriftClass::Reenabled => policies.reenabled,
            DriftClass::Inactive
            | DriftClass::Frozen
            | DriftClass::Missing
            | DriftClass::Disabled => policies.lost_access,
            DriftClass::Profile | DriftClass::Account | DriftClass::Role => policies.changed,
            DriftClass::Unmanaged => Policy::Report,
        }
    }

    async fn enqueue(
        &self,
        key: &str,
        intent: Intent,
        started_by: Option<&str>,
    ) -> Result<String, ReconcileError> {
        let subject = SubjectKey::parse(key).map_err(|e| ReconcileError::Key {
            key: key.to_owned(),
            reason: e.to_string(),
        })?;
        let now = self.clock.now();
        let command = NewCommand {
            id: CommandId::generate(),
            subject,
            intent,
            origin: Origin {
                source: ACTOR.to_owned(),
                event_id: None,
                source_time: now,
                received_at: now,
                actor: Some(ACTOR.to_owned()),
                traceparent: None,
                started_by: started_by.map(str::to_owned),
            },
            item_key: None,
            due_at: None,
        };
        let enqueued = self
            .store
            .enqueue(None, vec![command])
            .await
            .map_err(ReconcileError::Store)?;
        Ok(enqueued
            .first()
            .map(|e| e.command_id.as_str().to_owned())
            .unwrap_or_default())
    }
}

/// What puts a drift right: showing a re-enabled person out again as the record says, or the
/// last intent again for everything else. `None` when there is nothing to repair with.
fn repair_intent(
    class: DriftClass,
    record: &SubjectRecord,
    intent: Option<&Provision>,
) -> Option<Intent> {
    match class {
        DriftClass::Reenabled => {
            let mode = match record.state {
                SubjectState::Frozen => DeprovisionMode::Freeze,
                _ => DeprovisionMode::Deactivate,
            };
            Some(Intent::Deprovision(Deprovision {
                mode,
                trigger: record
                    .deactivation_trigger
                    .clone()
                    .unwrap_or_else(|| "re-enabled by hand; shown out again".to_owned()),
            }))
        }
        DriftClass::Unmanaged => None,
        _ => intent.map(|p| Intent::Provision(Box::new(p.clone()))),
    }
}
