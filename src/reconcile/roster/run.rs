//! A roster run: read who has access, compare (`plan`), and — unless the roster is refused or
//! only a dry run — record the absences it starts and ends, provision listed people whose
//! fields the source's rules make a provision of, and deprovision the people whose grace ended.
//! Every change is a command enqueued through `store.enqueue` with the source as its origin and
//! `roster` as its actor, so the queue's order, the guard and the records apply as to any other.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use tokio::sync::Notify;

use super::RosterError;
use super::commands::{deprovision, provision_commands};
use super::parse::Roster;
use super::plan::{Inputs, Plan};
use super::report::{Action, Leaving, RosterReport, Verdict, WithoutAccess, refusal};
use crate::clock::Clock;
use crate::config::{RosterConfig, Settings};
use crate::domain::{CommandId, SubjectKey};
use crate::mapping::MappingRules;
use crate::store::{Absence, RosterRun, RosterRunWrite, Store, WithAccess};

/// The actor of every command a roster enqueues.
pub const ACTOR: &str = "roster";

/// Where a roster came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunOrigin {
    /// `PUT /v1/sources/NAME/roster`.
    Upload,
    /// The configured `file`, read on the schedule.
    File,
}

impl RunRequest {
    /// The operator whose upload this is; a roster read from its file has none.
    fn uploader(&self) -> Option<&str> {
        matches!(self.origin, RunOrigin::Upload).then_some(self.actor.as_str())
    }
}

impl RunOrigin {
    pub fn as_str(self) -> &'static str {
        match self {
            RunOrigin::Upload => "upload",
            RunOrigin::File => "file",
        }
    }
}

/// One roster to compare.
#[derive(Debug, Clone)]
pub struct RunRequest {
    pub source: String,
    pub roster: Roster,
    pub origin: RunOrigin,
    /// Who uploaded it (the operator), or `roster` for the file.
    pub actor: String,
    /// Report only: change nothing.
    pub dry_run: bool,
}

/// The rosters of every source that has `[sources.NAME.roster]`.
pub struct Rosters {
    store: Store,
    clock: Arc<dyn Clock>,
    rules: MappingRules,
    configs: BTreeMap<String, RosterConfig>,
    /// Wakes the worker after commands were enqueued.
    worker: Arc<Notify>,
}

impl Rosters {
    pub fn new(
        settings: &Settings,
        store: Store,
        clock: Arc<dyn Clock>,
        rules: MappingRules,
        worker: Arc<Notify>,
    ) -> Rosters {
        let configs = settings
            .sources
            .iter()
            .filter_map(|(name, source)| source.roster.clone().map(|r| (name.clone(), r)))
            .collect();
        Rosters {
            store,
            clock,
            rules,
            configs,
            worker,
        }
    }

    /// Each source's roster settings.
    pub fn configs(&self) -> &BTreeMap<String, RosterConfig> {
        &self.configs
    }

    /// The store the runs are kept in.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Compares `request`'s roster with who has access from its source and acts on it (see the
    /// module documentation). A refused roster is answered with its report, verdict `refused`.
    pub async fn run(&self, request: &RunRequest) -> Result<RosterReport, RosterError> {
        let source = request.source.as_str();
        let config = self.config(source)?;
        let now = self.clock.now();
        let run_id = format!("ros_{}", uuid::Uuid::now_v7());
        let with_access = self
            .store
            .subjects_with_access()
            .await
            .map_err(store(source))?;
        let absences = self
            .store
            .roster_absences(source)
            .await
            .map_err(store(source))?;
        let plan = Plan::make(&Inputs {
            source,
            run_id: &run_id,
            roster: &request.roster,
            with_access: &with_access,
            absences: &absences,
            now,
            grace: config.grace(),
        });
        let mut report = base_report(request, &run_id, now, &plan, config);
        if plan.is_too_many(config.max_removal_share) {
            report.verdict = Verdict::Refused;
            report.reason = Some(refusal(&plan, source, config.max_removal_share));
            tracing::warn!(
                source,
                run_id,
                missing = plan.missing.len(),
                with_access = plan.with_access,
                removal_share = plan.removal_share,
                max_removal_share = config.max_removal_share,
                "roster refused: it would remove more than the source's max_removal_share; nothing changed"
            );
            self.record(&report, Vec::new(), Vec::new()).await?;
            return Ok(report);
        }
        report.without_access = self.without_access(request, &plan, &run_id, now).await?;
        if request.dry_run {
            report.verdict = Verdict::DryRun;
            self.record(&report, Vec::new(), Vec::new()).await?;
            return Ok(report);
        }
        self.record(&report, plan.new_missing(&run_id), plan.cleared.clone())
            .await?;
        let acted: HashMap<SubjectKey, CommandId> = self
            .act_on_due(Some(source), request.uploader())
            .await?
            .into_iter()
            .collect();
        for leaving in &mut report.leaving {
            if let Some(command_id) = acted.get(&leaving.subject) {
                leaving.command_id = Some(command_id.clone());
            }
        }
        tracing::info!(
            source,
            run_id,
            listed = plan.listed,
            missing = plan.missing.len(),
            deprovisioned = acted.len(),
            reappeared = plan.reappeared.len(),
            without_access = plan.without_access.len(),
            "roster applied"
        );
        Ok(report)
    }

    /// Enqueues the deprovision of every absence (of `source`, or of every source) whose grace
    /// has ended, and records it on the absence. An absence whose person no longer has access
    /// from the source, or had a newer change applied since they went missing, ends instead.
    /// Answers who was deprovisioned, by which command.
    pub async fn act_on_due(
        &self,
        source: Option<&str>,
        started_by: Option<&str>,
    ) -> Result<Vec<(SubjectKey, CommandId)>, RosterError> {
        let name = source.unwrap_or("every source");
        let due = self.store.due_absences(source).await.map_err(store(name))?;
        if due.is_empty() {
            return Ok(Vec::new());
        }
        let with_access = self
            .store
            .subjects_with_access()
            .await
            .map_err(store(name))?;
        let now = self.clock.now();
        let mut commands = Vec::new();
        for absence in due {
            let Some(config) = self.configs.get(&absence.source) else {
                continue;
            };
            if self.still_applies(&absence, &with_access).await? {
                commands.push(deprovision(&absence, config, now, started_by));
            } else {
                self.store
                    .clear_absence(&absence.subject, &absence.source)
                    .await
                    .map_err(store(&absence.source))?;
            }
        }
        if commands.is_empty() {
            return Ok(Vec::new());
        }
        let subjects: Vec<SubjectKey> = commands.iter().map(|c| c.subject.clone()).collect();
        let enqueued = self
            .store
            .enqueue(None, commands)
            .await
            .map_err(store(name))?;
        self.worker.notify_one();
        let mut acted = Vec::with_capacity(enqueued.len());
        for (subject, answer) in subjects.into_iter().zip(enqueued) {
            self.store
                .mark_absence_acted(&subject, &answer.command_id)
                .await
                .map_err(store(name))?;
            acted.push((subject, answer.command_id));
        }
        tracing::info!(
            source = name,
            deprovisions = acted.len(),
            "people missing from their roster past the grace: deprovisions enqueued"
        );
        Ok(acted)
    }

    fn config(&self, source: &str) -> Result<&RosterConfig, RosterError> {
        self.configs
            .get(source)
            .ok_or_else(|| RosterError::NoRoster {
                name: source.to_owned(),
            })
    }

    /// Whether the person still has access from the absence's source, with nothing applied to
    /// them since they went missing.
    async fn still_applies(
        &self,
        absence: &Absence,
        with_access: &[WithAccess],
    ) -> Result<bool, RosterError> {
        let ours = with_access
            .iter()
            .any(|w| w.subject == absence.subject && w.access_source == absence.source);
        if !ours {
            return Ok(false);
        }
        let last = self
            .store
            .last_applied(&absence.subject)
            .await
            .map_err(store(&absence.source))?;
        Ok(last.is_none_or(|last| last <= absence.first_missing_at))
    }

    /// What the run does about listed people without access: provisions (or, in a dry run,
    /// would) those whose fields the rules make a provision of; reports the others.
    async fn without_access(
        &self,
        request: &RunRequest,
        plan: &Plan,
        run_id: &str,
        now: DateTime<Utc>,
    ) -> Result<Vec<WithoutAccess>, RosterError> {
        let mut answers = Vec::with_capacity(plan.without_access.len());
        let mut commands = Vec::new();
        let mut owners = Vec::new();
        for &index in &plan.without_access {
            let person = &request.roster.people[index];
            let mut answer = WithoutAccess {
                subject: person.subject.clone(),
                action: Action::Reported,
                reason: None,
                command_id: None,
            };
            if let Some(fields) = &person.fields {
                let input = (request.source.as_str(), run_id, now);
                match provision_commands(&self.rules, input, &person.subject, fields) {
                    Ok((first, made)) if !request.dry_run => {
                        answer.action = Action::Provisioned;
                        owners.push((answers.len(), commands.len() + first));
                        commands.extend(made);
                    }
                    Ok(_) => answer.action = Action::WouldProvision,
                    Err(reason) => {
                        answer.action = Action::NotProvisioned;
                        answer.reason = Some(reason);
                    }
                }
            }
            answers.push(answer);
        }
        if commands.is_empty() {
            return Ok(answers);
        }
        let source = request.source.as_str();
        let enqueued = self
            .store
            .enqueue(None, commands)
            .await
            .map_err(store(source))?;
        self.worker.notify_one();
        for (answer, command) in owners {
            answers[answer].command_id = enqueued.get(command).map(|e| e.command_id.clone());
        }
        Ok(answers)
    }

    /// Keeps the run and its report, with the absences it starts and ends.
    async fn record(
        &self,
        report: &RosterReport,
        missing: Vec<Absence>,
        cleared: Vec<SubjectKey>,
    ) -> Result<(), RosterError> {
        let fail = store(&report.source);
        let json = serde_json::to_value(report).map_err(|source| RosterError::Report {
            run_id: report.run_id.clone(),
            source,
        })?;
        let write = RosterRunWrite {
            run: RosterRun {
                run_id: report.run_id.clone(),
                source: report.source.clone(),
                origin: report.origin.clone(),
                actor: report.actor.clone(),
                verdict: report.verdict.as_str().to_owned(),
                reason: report.reason.clone(),
                report: json,
                created_at: report.at,
            },
            missing,
            cleared,
        };
        self.store.record_roster_run(&write).await.map_err(fail)
    }
}

/// The store's failure during a run for `source`.
fn store(source: &str) -> impl Fn(crate::store::StoreError) -> RosterError + '_ {
    move |error| RosterError::Store {
        name: source.to_owned(),
        source: error,
    }
}

/// The report's facts before the run acts.
fn base_report(
    request: &RunRequest,
    run_id: &str,
    now: DateTime<Utc>,
    plan: &Plan,
    config: &RosterConfig,
) -> RosterReport {
    let leaving = plan
        .missing
        .iter()
        .map(|absence| Leaving {
            subject: absence.subject.clone(),
            first_missing_at: absence.first_missing_at,
            due_at: absence.due_at,
            new: absence.run_id == run_id,
            due: absence.due_at <= now,
            command_id: absence.command_id.clone(),
        })
        .collect();
    RosterReport {
        run_id: run_id.to_owned(),
        source: request.source.clone(),
        origin: request.origin.as_str().to_owned(),
        actor: request.actor.clone(),
        verdict: Verdict::Applied,
        reason: None,
        at: now,
        listed: plan.listed,
        with_access: plan.with_access,
        removal_share: plan.removal_share,
        max_removal_share: config.max_removal_share,
        grace_seconds: config.grace().as_secs(),
        leaving,
        reappeared: plan.reappeared.clone(),
        without_access: Vec::new(),
    }
}
