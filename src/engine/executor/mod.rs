//! Running one claimed command to its outcome. The whole flow reads from this file:
//!
//! 1. the worker claims a command and hands it to [`Executor::run`];
//! 2. a command older than the last one applied for the person ends at once, as stale;
//! 3. the Salesforce part reads the org, plans and applies (`provision`, `deprovision`);
//! 4. the run ends by recording the outcome (`outcome`, with what it causes: `follow_up`) — or,
//!    when it failed, what the failure's disposition decides (`decision`): retry, park or
//!    dead-letter.
//!
//! Throughout, the run holds its claim through a [`ClaimHold`] that the worker's lease keeper
//! renews: once the claim is lost the run's client sends nothing more, and the run ends with
//! [`StoreError::ClaimLost`] before writing anything (every write is also fenced in the store).
//!
//! The modules beside this one hold the detail; none of them adds to `Executor`.

mod decision;
mod deprovision;
mod follow_up;
mod outcome;
mod part;
mod provision;
mod target;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tracing::Instrument;

use self::decision::{Decision, decide};
pub(in crate::engine) use self::outcome::Done;
use self::outcome::{Draft, converged};
use self::part::Tally;
pub(in crate::engine) use self::part::{Part, stale_since};
pub(in crate::engine) use self::provision::Provisioning;
pub(in crate::engine) use self::target::Target;
use super::apply::ApplyError;
use super::batch::{BatchContext, BatchLimits};
use super::lease::ClaimHold;
use super::licences::LicenceCounts;
use super::plan::ProvisionPolicy;
use super::read::KeyFields;
use super::retry::RetryPolicy;
use crate::clock::Clock;
use crate::domain::{BatchRecord, Command, Intent, Origin, OutcomeKind};
use crate::report::chain;
use crate::salesforce::{CallMeter, OrgFactsCache, SalesforceClient};
use crate::store::{ClaimedCommand, EventId, OutboxEvent, Store, StoreError, SubjectUpdate};
use crate::telemetry::events::{CommandFinished, CommandRan};
use crate::telemetry::{Metrics, context};

/// How a run ended, for the worker's logs and tests.
#[derive(Debug, Clone, PartialEq)]
pub enum RunEnd {
    Finished(OutcomeKind),
    Retrying { due_at: DateTime<Utc> },
    Parked { licence: Option<String> },
}

/// Runs commands against one org.
pub struct Executor {
    client: SalesforceClient,
    store: Store,
    clock: Arc<dyn Clock>,
    keys: KeyFields,
    provisioning: Provisioning,
    retry: RetryPolicy,
    metrics: Metrics,
}

impl Executor {
    pub fn new(
        client: SalesforceClient,
        store: Store,
        clock: Arc<dyn Clock>,
        keys: KeyFields,
        policy: ProvisionPolicy,
        retry: RetryPolicy,
    ) -> Executor {
        Executor {
            client,
            store,
            clock,
            keys,
            provisioning: Provisioning::new(policy),
            retry,
            metrics: Metrics::default(),
        }
    }

    /// The org's client, for the worker's own look at licence counts.
    pub fn client(&self) -> &SalesforceClient {
        &self.client
    }

    /// The store, for what a batch writes once for all its members.
    pub(in crate::engine) fn store(&self) -> &Store {
        &self.store
    }

    /// What a batch's group runner works with: this executor's store, clock, key fields and
    /// provisioning, and `client` (metered for the batch).
    pub(in crate::engine) fn batch_context<'a>(
        &'a self,
        client: &'a SalesforceClient,
        limits: &'a BatchLimits,
    ) -> BatchContext<'a> {
        BatchContext {
            client,
            store: &self.store,
            clock: &self.clock,
            keys: &self.keys,
            provisioning: &self.provisioning,
            limits,
        }
    }

    /// The org's shape (does `Account.IsPartner` exist, the configured site), shared with
    /// whoever read it at start-up.
    pub fn with_org_facts(mut self, facts: Arc<OrgFactsCache>) -> Executor {
        self.provisioning.facts = facts;
        self
    }

    /// The org's free licences per type, shared with the licence gauges and the freed-licence
    /// check, which refresh them.
    pub fn with_licence_counts(mut self, counts: LicenceCounts) -> Executor {
        self.provisioning.licences = counts;
        self
    }

    /// The licence counts provisions write new users by.
    pub fn licence_counts(&self) -> &LicenceCounts {
        &self.provisioning.licences
    }

    /// Counts this executor's commands into the application's registry.
    pub fn with_metrics(mut self, metrics: Metrics) -> Executor {
        self.metrics = metrics;
        self
    }

    /// Takes a claimed command to its next state, under `hold`. Store errors are returned: the
    /// claim then expires and the command runs again, which converges. A run whose claim was
    /// lost ends with [`StoreError::ClaimLost`], having written nothing since.
    pub async fn run(
        &self,
        claimed: ClaimedCommand,
        hold: &ClaimHold,
    ) -> Result<RunEnd, StoreError> {
        self.run_part(claimed, hold, Part::Own, None).await
    }

    /// Takes a claimed command to its next state, its Salesforce part done here (`Part::Own`)
    /// or already settled by a batch (`Part::Settled`); either way it ends as a single run
    /// ends, its outcome carrying `batch` when it ran in one.
    ///
    /// The run is one `command` span (command id, subject, trace id), a child of the span that
    /// accepted the event (see [`context`]); every log line and Salesforce call of the run is
    /// inside it.
    pub(in crate::engine) async fn run_part(
        &self,
        claimed: ClaimedCommand,
        hold: &ClaimHold,
        part: Part,
        batch: Option<&BatchRecord>,
    ) -> Result<RunEnd, StoreError> {
        let command = &claimed.command;
        let span = tracing::info_span!(
            "command",
            otel.name = %format!("command {}", command.intent.kind()),
            command_id = command.id.as_str(),
            subject = command.subject.as_str(),
            intent = command.intent.kind(),
            attempt = claimed.attempts,
            batch = batch.map(|b| b.id.as_str()),
            trace_id = tracing::field::Empty,
            outcome = tracing::field::Empty,
        );
        context::continue_trace(&span, command.origin.traceparent.as_deref());
        let intent = command.intent.kind();
        let started = std::time::Instant::now();
        let end = self
            .run_in_span(&claimed, hold, part, batch)
            .instrument(span.clone())
            .await;
        let result = match &end {
            Ok(RunEnd::Finished(kind)) => kind.as_str(),
            Ok(RunEnd::Retrying { .. }) => "retrying",
            Ok(RunEnd::Parked { .. }) => "parked",
            Err(e) if e.is_claim_lost() => "claim_lost",
            Err(_) => "not_recorded",
        };
        span.record("outcome", result);
        CommandRan {
            intent,
            result,
            elapsed: started.elapsed(),
        }
        .emit(&self.metrics);
        end
    }

    /// The flow of one run: stale or not, the Salesforce part, then its ending recorded.
    async fn run_in_span(
        &self,
        claimed: &ClaimedCommand,
        hold: &ClaimHold,
        part: Part,
        batch: Option<&BatchRecord>,
    ) -> Result<RunEnd, StoreError> {
        let command = &claimed.command;
        let meter = CallMeter::new();
        let tally = Tally {
            meter: &meter,
            batch,
        };
        if let Some(last) = stale_since(claimed) {
            let why = format!("stale: an event from {last} was already applied");
            let stale = Draft::nothing(OutcomeKind::SkippedStale, vec![why], None);
            self.finish(command, hold, stale, SubjectUpdate::default(), &tally)
                .await?;
            return Ok(RunEnd::Finished(OutcomeKind::SkippedStale));
        }
        let (result, resumed) = match part {
            Part::Own => (self.converge(claimed, hold, &meter).await, false),
            Part::Settled { result, resumed } => (*result, resumed),
        };
        // A run that lost its claim records nothing of what it saw or did: the command's new
        // holder reads the org afresh and converges.
        hold.check()?;
        match result {
            Ok(done) => self.succeed(command, hold, done, &tally, resumed).await,
            Err(ApplyError::Store(e)) if e.is_claim_lost() => {
                hold.lose();
                Err(e)
            }
            Err(error) => self.failed(claimed, hold, &error, &tally).await,
        }
    }

    /// The Salesforce part of one command run alone: read, plan, apply.
    async fn converge(
        &self,
        claimed: &ClaimedCommand,
        hold: &ClaimHold,
        meter: &CallMeter,
    ) -> Result<Done, ApplyError> {
        let client = self.client.metered(meter).halted_by(hold.halt());
        let target = Target {
            client: &client,
            store: &self.store,
            hold,
            keys: &self.keys,
        };
        match &claimed.command.intent {
            Intent::Provision(p) => self.provisioning.converge(&target, claimed, p).await,
            Intent::Deprovision(d) => deprovision::converge(&target, claimed, d).await,
        }
    }

    /// Records the outcome of a command that brought the org to its desired state.
    async fn succeed(
        &self,
        command: &Command,
        hold: &ClaimHold,
        done: outcome::Done,
        tally: &Tally<'_>,
        resumed: bool,
    ) -> Result<RunEnd, StoreError> {
        hold.check()?;
        let converged = converged(&command.intent, done);
        let kind = converged.outcome.kind;
        // What follows from this outcome is written before the outcome itself: a process that
        // dies in between runs the command again, which finds the org done (no change) and
        // repeats these steps harmlessly — where the other order could lose them for good
        // (a frozen user never deactivated, a parked provision never resumed).
        if let Some(licence) = converged.freed.filter(|_| !resumed) {
            let resumed = self.store.unpark(Some(&licence)).await?;
            if resumed > 0 {
                tracing::info!(licence, resumed, "a freed licence resumed parked commands");
            }
        }
        if let Some(follow_up) = follow_up::after_grace(command, self.clock.now()) {
            let event = (command.origin.event_id.as_deref()).and_then(|id| EventId::parse(id).ok());
            self.store.enqueue(event.as_ref(), vec![follow_up]).await?;
        }
        self.finish(command, hold, converged.outcome, converged.update, tally)
            .await?;
        Ok(RunEnd::Finished(kind))
    }

    /// Carries out what the failure's disposition decides: dead-letter, park or retry.
    async fn failed(
        &self,
        claimed: &ClaimedCommand,
        hold: &ClaimHold,
        error: &ApplyError,
        tally: &Tally<'_>,
    ) -> Result<RunEnd, StoreError> {
        let command = &claimed.command;
        match decide(error, &command.id, claimed.attempts, &self.retry) {
            Decision::DeadLetter(refusal) => {
                tracing::warn!(
                    code = refusal.code,
                    error = %chain(error),
                    "refused for good: dead-lettered"
                );
                let (outcome, update) = outcome::dead_lettered(refusal, error.applied());
                self.finish(command, hold, outcome, update, tally).await?;
                Ok(RunEnd::Finished(OutcomeKind::DeadLettered))
            }
            Decision::Park(refusal) => {
                let licence = match &command.intent {
                    Intent::Provision(p) => self.provisioning.licence_of(&p.profile),
                    Intent::Deprovision(_) => None,
                };
                tracing::warn!(
                    licence = licence.as_deref().unwrap_or("unknown"),
                    error = %chain(error),
                    "no free licence: command parked"
                );
                hold.check()?;
                self.store
                    .park(
                        &command.id,
                        hold.fence(),
                        &refusal.message,
                        licence.as_deref(),
                    )
                    .await?;
                Ok(RunEnd::Parked { licence })
            }
            Decision::Retry { delay, error: kept } => {
                let due_at = self.clock.now()
                    + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::seconds(60));
                tracing::warn!(
                    code = kept.code,
                    error = %chain(error),
                    delay_ms = delay.as_millis() as u64,
                    "transient failure: will retry"
                );
                hold.check()?;
                self.store
                    .retry_later(&command.id, hold.fence(), due_at, &kept)
                    .await?;
                Ok(RunEnd::Retrying { due_at })
            }
        }
    }

    /// Ends the command with its outcome, announced in the outbox in the same transaction.
    async fn finish(
        &self,
        command: &Command,
        hold: &ClaimHold,
        draft: Draft,
        update: SubjectUpdate,
        tally: &Tally<'_>,
    ) -> Result<(), StoreError> {
        let outcome = draft.finished(tally.meter.calls(), self.clock.now(), tally.batch.cloned());
        let finished = CommandFinished {
            intent: command.intent.kind(),
            outcome: outcome.kind.as_str(),
            api_calls: outcome.api_calls,
            steps: outcome.steps.clone(),
            code: outcome.refusal.as_ref().map(|r| r.code.clone()),
        };
        let mut announcement = OutboxEvent::announcing(command, &outcome);
        announcement.traceparent = command.origin.traceparent.clone();
        hold.check()?;
        self.store
            .finish(&command.id, hold.fence(), outcome, update, announcement)
            .await?;
        // Only a recorded outcome is counted and logged as one.
        finished.emit(&self.metrics);
        Ok(())
    }
}

/// A manual command's origin: an operator, now.
pub fn operator_origin(actor: &str, now: DateTime<Utc>) -> Origin {
    Origin {
        source: "operator".to_owned(),
        event_id: None,
        source_time: now,
        received_at: now,
        actor: Some(actor.to_owned()),
        traceparent: None,
    }
}
