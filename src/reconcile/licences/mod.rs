//! Licence hygiene: reclaiming the licences of managed people who no longer log in, and the
//! licence report.
//!
//! Both read the org the same way (`org`: the licence counts, every active user with its last
//! login, profile and licence, and — when exemptions name permission sets — who holds them;
//! each query read page by page), and page through the lifecycle records; `plan` compares them
//! without I/O. A reclaim is a dry run unless applied: applied, each person becomes an ordinary
//! deprovision (`deactivate` or `freeze`) enqueued through [`Store::enqueue`] with source and
//! actor `reclaim`, so the mass-deprovision guard and the executor treat it as any other.

mod csv;
mod org;
mod plan;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::Serialize;

pub use csv::to_csv;
pub use org::{OrgLicence, OrgLicences, OrgUser};
pub use plan::{
    Inactive, LicenceKind, LicenceLine, LicenceReport, PersonLine, ReclaimPlan, plan_reclaim,
    report,
};

use crate::clock::Clock;
use crate::config::{LicencesConfig, ReclaimAction};
use crate::domain::{CommandId, Deprovision, DeprovisionMode, Intent, Origin, SubjectKey};
use crate::salesforce::{CallError, SalesforceClient};
use crate::store::{NewCommand, Store, StoreError, SubjectFilter, SubjectRecord};

/// The source and actor of the commands a reclaim enqueues.
pub const RECLAIM: &str = "reclaim";

/// Why a reclaim or a report could not be made.
#[derive(Debug, thiserror::Error)]
pub enum LicencesError {
    #[error("reading the org's licences and users failed")]
    Org(#[source] CallError),
    #[error("reading the lifecycle records or enqueueing the reclaim failed")]
    Store(#[source] StoreError),
    #[error("subject key '{0}' of a lifecycle record cannot be used")]
    BadKey(String),
}

/// What reclaims and reports need: the org, the store, the clock and `[licences]`.
#[derive(Clone)]
pub struct LicenceDesk {
    pub client: SalesforceClient,
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    pub config: LicencesConfig,
}

/// A reclaim's plan, and what was enqueued when it was applied.
#[derive(Debug, Clone, Serialize)]
pub struct ReclaimRun {
    pub applied: bool,
    #[serde(flatten)]
    pub plan: ReclaimPlan,
    /// The commands enqueued, one per person reclaimed (none in a dry run).
    pub commands: Vec<CommandId>,
}

impl LicenceDesk {
    /// The licence report, read now.
    pub async fn report(&self) -> Result<LicenceReport, LicencesError> {
        let (org, subjects, now) = self.read().await?;
        Ok(report(&org, &subjects, &self.config, now))
    }

    /// Plans the reclaim and, when `apply`, enqueues a deprovision per person reclaimed, kept
    /// as started by `started_by` (who may then not approve them should the guard hold them).
    pub async fn reclaim(
        &self,
        apply: bool,
        started_by: Option<&str>,
    ) -> Result<ReclaimRun, LicencesError> {
        let (org, subjects, now) = self.read().await?;
        let plan = plan_reclaim(&org, &subjects, &self.config, now);
        let mut run = ReclaimRun {
            applied: apply,
            plan,
            commands: Vec::new(),
        };
        tracing::info!(
            reclaim = run.plan.reclaim.len(),
            exempt = run.plan.exempt.len(),
            action = ?run.plan.action,
            apply,
            org_calls = run.plan.org_calls,
            "licence reclaim planned"
        );
        if apply && !run.plan.reclaim.is_empty() {
            let commands = self.commands(&run.plan, now, started_by)?;
            run.commands = commands.iter().map(|c| c.id.clone()).collect();
            self.store
                .enqueue(None, commands)
                .await
                .map_err(LicencesError::Store)?;
            tracing::info!(enqueued = run.commands.len(), "licence reclaim enqueued");
        }
        Ok(run)
    }

    fn commands(
        &self,
        plan: &ReclaimPlan,
        now: DateTime<Utc>,
        started_by: Option<&str>,
    ) -> Result<Vec<NewCommand>, LicencesError> {
        let mode = match plan.action {
            ReclaimAction::Deactivate => DeprovisionMode::Deactivate,
            ReclaimAction::Freeze => DeprovisionMode::Freeze,
        };
        let trigger = format!(
            "licence reclaim: no login for {} days",
            plan.reclaim_after_days
        );
        plan.reclaim
            .iter()
            .map(|person| {
                let subject = SubjectKey::parse(&person.subject)
                    .map_err(|_| LicencesError::BadKey(person.subject.clone()))?;
                Ok(NewCommand {
                    id: CommandId::generate(),
                    subject,
                    intent: Intent::Deprovision(Deprovision {
                        mode,
                        trigger: trigger.clone(),
                    }),
                    origin: Origin {
                        source: RECLAIM.to_owned(),
                        event_id: None,
                        source_time: now,
                        received_at: now,
                        actor: Some(RECLAIM.to_owned()),
                        traceparent: None,
                        started_by: started_by.map(str::to_owned),
                    },
                    item_key: None,
                    due_at: None,
                })
            })
            .collect()
    }

    /// The org's licences and active users, every lifecycle record, and the time of reading.
    async fn read(
        &self,
    ) -> Result<(OrgLicences, Vec<SubjectRecord>, DateTime<Utc>), LicencesError> {
        let org = org::read(&self.client, &self.config.exempt_permission_sets)
            .await
            .map_err(LicencesError::Org)?;
        let subjects = all_subjects(&self.store).await?;
        Ok((org, subjects, self.clock.now()))
    }
}

/// Every lifecycle record, a page at a time.
async fn all_subjects(store: &Store) -> Result<Vec<SubjectRecord>, LicencesError> {
    let mut all: Vec<SubjectRecord> = Vec::new();
    loop {
        let filter = SubjectFilter {
            state: None,
            limit: SubjectFilter::MAX_LIMIT,
            after: all.last().map(|s| s.subject_key.clone()),
        };
        let page = store
            .list_subjects(&filter)
            .await
            .map_err(LicencesError::Store)?;
        let full = page.len() >= SubjectFilter::MAX_LIMIT as usize;
        all.extend(page);
        if !full {
            return Ok(all);
        }
    }
}
