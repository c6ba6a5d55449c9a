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
mod ending;
mod follow_up;
mod outcome;
mod part;
mod provision;
mod target;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tracing::Instrument;

pub(in crate::engine) use self::ending::{Prepared, log_resumed};
pub(in crate::engine) use self::outcome::Done;
pub(in crate::engine) use self::part::{Tally, stale_since};
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
use crate::domain::{BatchRecord, Intent, Origin, OutcomeKind};
use crate::salesforce::{CallMeter, OrgFactsCache, SalesforceClient};
use crate::store::{ClaimedCommand, Store, StoreError};
use crate::telemetry::events::CommandRan;
use crate::telemetry::{Metrics, context, mask};

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
        self.run_alone(claimed, hold, None).await
    }

    /// Takes a claimed command to its next state, its Salesforce part done here; `batch` names
    /// the batch it was claimed in, when a batch left it to run alone (its outcome then
    /// carries the batch's record).
    ///
    /// The run is one `command` span (command id, subject, trace id), a child of the span that
    /// accepted the event (see [`context`]); every log line and Salesforce call of the run is
    /// inside it.
    pub(in crate::engine) async fn run_alone(
        &self,
        claimed: ClaimedCommand,
        hold: &ClaimHold,
        batch: Option<&BatchRecord>,
    ) -> Result<RunEnd, StoreError> {
        let span = command_span(&claimed, batch);
        let started = std::time::Instant::now();
        let end = self
            .run_in_span(&claimed, hold, batch)
            .instrument(span.clone())
            .await;
        self.ran(&claimed, &span, &end, started.elapsed());
        end
    }

    /// Counts and notes how a run ended.
    pub(in crate::engine) fn ran(
        &self,
        claimed: &ClaimedCommand,
        span: &tracing::Span,
        end: &Result<RunEnd, StoreError>,
        elapsed: std::time::Duration,
    ) {
        let result = match end {
            Ok(RunEnd::Finished(kind)) => kind.as_str(),
            Ok(RunEnd::Retrying { .. }) => "retrying",
            Ok(RunEnd::Parked { .. }) => "parked",
            Err(e) if e.is_claim_lost() => "claim_lost",
            Err(_) => "not_recorded",
        };
        span.record("outcome", result);
        CommandRan {
            intent: claimed.command.intent.kind(),
            result,
            elapsed,
        }
        .emit(&self.metrics);
    }

    /// The flow of one run: stale or not, the Salesforce part, then its ending recorded.
    async fn run_in_span(
        &self,
        claimed: &ClaimedCommand,
        hold: &ClaimHold,
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
            hold.check()?;
            return self.write(self.stale(command, hold, why, &tally)).await;
        }
        let result = self.converge(claimed, hold, &meter).await;
        // A run that lost its claim records nothing of what it saw or did: the command's new
        // holder reads the org afresh and converges.
        hold.check()?;
        let prepared = self.prepare(claimed, hold, result, &tally)?;
        self.write(prepared).await
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
}

/// One run's span: the command, its subject, attempt and batch, continuing the trace of the
/// event it came from.
pub(in crate::engine) fn command_span(
    claimed: &ClaimedCommand,
    batch: Option<&BatchRecord>,
) -> tracing::Span {
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
    if let Some(trace_id) = context::continue_trace(&span, command.origin.traceparent.as_deref()) {
        remember_personal(&trace_id.to_string(), &command.intent);
    }
    span
}

/// Remembers the person's emails and names for the command's trace, so that wherever they turn
/// up under it — an org's error text echoing a value — logs and exported spans show them masked
/// (`telemetry::mask::known`). A deprovision carries none.
fn remember_personal(trace_id: &str, intent: &Intent) {
    let Intent::Provision(p) = intent else {
        return;
    };
    let names = [
        p.contact.first_name.as_ref(),
        Some(&p.contact.last_name),
        Some(&p.user.alias),
        Some(&p.user.nickname),
    ];
    let emails = [
        Some(&p.contact.email),
        Some(&p.user.username),
        p.user.federation_id.as_ref(),
    ];
    let values = names
        .into_iter()
        .flatten()
        .map(|v| (mask::Kind::Name, v.clone()))
        .chain(
            emails
                .into_iter()
                .flatten()
                .map(|v| (mask::Kind::Email, v.clone())),
        );
    mask::known::remember(trace_id, values);
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
        started_by: None,
    }
}
