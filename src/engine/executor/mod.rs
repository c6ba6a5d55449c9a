//! Running one claimed command to its outcome: read, plan, apply, and record — or retry, park
//! or dead-letter, as the failure's disposition says.

mod deprovision;
mod provision;

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use parking_lot::Mutex;
use tracing::Instrument;

use super::apply::{Applied, ApplyError};
use super::plan::{ObservedProfile, ProvisionPolicy};
use super::read::KeyFields;
use super::retry::RetryPolicy;
use crate::clock::Clock;
use crate::domain::{
    Command, CommandId, Deprovision, DeprovisionMode, Intent, LicenceEffect, Origin, Outcome,
    OutcomeKind, Refusal, SalesforceIds,
};
use crate::salesforce::{CallError, CallMeter, Disposition, SalesforceClient};
use crate::store::{
    ClaimedCommand, NewCommand, OutboxEvent, Store, StoreError, SubjectState, SubjectUpdate,
};
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
    policy: ProvisionPolicy,
    retry: RetryPolicy,
    /// Profiles by name: they change rarely, and knowing one saves a query per command.
    profiles: Mutex<HashMap<String, ObservedProfile>>,
    metrics: Metrics,
}

/// The result of the Salesforce part of a command.
pub(super) enum Done {
    Changed(Applied),
    Unchanged {
        ids: SalesforceIds,
        licence: Option<String>,
        why: &'static str,
        /// The user's username and nickname as the org has them, for the lifecycle record.
        names: Option<(String, Option<String>)>,
    },
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
            policy,
            retry,
            profiles: Mutex::new(HashMap::new()),
            metrics: Metrics::default(),
        }
    }

    /// The org's client, for the worker's own look at licence counts.
    pub fn client(&self) -> &SalesforceClient {
        &self.client
    }

    /// Counts this executor's commands into the application's registry.
    pub fn with_metrics(mut self, metrics: Metrics) -> Executor {
        self.metrics = metrics;
        self
    }

    /// Takes a claimed command to its next state. Store errors are returned: the claim then
    /// expires and the command runs again, which converges.
    ///
    /// The run is one `command` span (command id, subject, trace id), a child of the span that
    /// accepted the event (see [`context`]); every log line and Salesforce call of the run is
    /// inside it.
    pub async fn run(&self, claimed: ClaimedCommand) -> Result<RunEnd, StoreError> {
        let command = &claimed.command;
        let span = tracing::info_span!(
            "command",
            otel.name = %format!("command {}", command.intent.kind()),
            command_id = command.id.as_str(),
            subject = command.subject.as_str(),
            intent = command.intent.kind(),
            attempt = claimed.attempts,
            trace_id = tracing::field::Empty,
            outcome = tracing::field::Empty,
        );
        context::continue_trace(&span, command.origin.traceparent.as_deref());
        let intent = command.intent.kind();
        let started = std::time::Instant::now();
        let end = self.run_in_span(&claimed).instrument(span.clone()).await;
        let result = match &end {
            Ok(RunEnd::Finished(kind)) => kind.as_str(),
            Ok(RunEnd::Retrying { .. }) => "retrying",
            Ok(RunEnd::Parked { .. }) => "parked",
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

    async fn run_in_span(&self, claimed: &ClaimedCommand) -> Result<RunEnd, StoreError> {
        let command = &claimed.command;
        let meter = CallMeter::new();
        let client = self.client.metered(&meter);

        if let Some(last) = claimed.subject.last_applied_source_time
            && command.origin.source_time < last
        {
            let outcome = self.outcome(
                OutcomeKind::SkippedStale,
                &meter,
                Default::default(),
                LicenceEffect::Unchanged,
                vec![format!("stale: an event from {last} was already applied")],
                None,
            );
            self.finish(command, outcome, SubjectUpdate::default())
                .await?;
            return Ok(RunEnd::Finished(OutcomeKind::SkippedStale));
        }

        let result = match &command.intent {
            Intent::Provision(p) => self.provision(&client, claimed, p).await,
            Intent::Deprovision(d) => self.deprovision(&client, claimed, d).await,
        };
        match result {
            Ok(done) => self.succeed(claimed, done, &meter).await,
            Err(ApplyError::Refused(refusal)) => self.dead_letter(command, refusal, &meter).await,
            Err(ApplyError::Call(error)) => self.failed(claimed, error, &meter).await,
        }
    }

    async fn succeed(
        &self,
        claimed: &ClaimedCommand,
        done: Done,
        meter: &CallMeter,
    ) -> Result<RunEnd, StoreError> {
        let command = &claimed.command;
        let mut freed = None;
        let (kind, outcome, update) = match done {
            Done::Unchanged {
                ids,
                licence,
                why,
                names,
            } => {
                let (username, nickname) = match names {
                    Some((username, nickname)) => (Some(username), nickname),
                    None => (None, None),
                };
                let update = SubjectUpdate {
                    state: Some(state_after(&command.intent)),
                    licence,
                    username,
                    nickname,
                    ..SubjectUpdate::default()
                };
                let outcome = self.outcome(
                    OutcomeKind::NoChange,
                    meter,
                    ids,
                    LicenceEffect::Unchanged,
                    vec![why.to_owned()],
                    None,
                );
                (OutcomeKind::NoChange, outcome, update)
            }
            Done::Changed(applied) => {
                let licence = match &applied.licence_effect {
                    LicenceEffect::Consumed { licence }
                    | LicenceEffect::Freed { licence }
                    | LicenceEffect::Kept { licence } => Some(licence.clone()),
                    LicenceEffect::Unchanged => None,
                };
                let update = SubjectUpdate {
                    state: Some(state_after(&command.intent)),
                    username: applied.username.clone(),
                    nickname: applied.nickname.clone(),
                    licence,
                    welcome_email: applied.welcome_email,
                    pending_email: applied.email_change.clone(),
                };
                let kind = if applied.changed {
                    OutcomeKind::Succeeded
                } else {
                    OutcomeKind::NoChange
                };
                if let LicenceEffect::Freed { licence } = &applied.licence_effect {
                    freed = Some(licence.clone());
                }
                let outcome = self.outcome(
                    kind,
                    meter,
                    applied.ids,
                    applied.licence_effect,
                    applied.steps,
                    None,
                );
                (kind, outcome, update)
            }
        };
        // What follows from this outcome is written before the outcome itself: a process that
        // dies in between runs the command again, which finds the org done (no change) and
        // repeats these steps harmlessly — where the other order could lose them for good
        // (a frozen user never deactivated, a parked provision never resumed).
        if let Some(licence) = freed {
            let resumed = self.store.unpark(Some(&licence)).await?;
            if resumed > 0 {
                tracing::info!(licence, resumed, "a freed licence resumed parked commands");
            }
        }
        self.schedule_follow_up(claimed).await?;
        self.finish(command, outcome, update).await?;
        Ok(RunEnd::Finished(kind))
    }

    /// `freeze-then-deactivate`: once frozen, the deactivation waits out the grace period as
    /// a command of its own, which a newer event for the person supersedes.
    async fn schedule_follow_up(&self, claimed: &ClaimedCommand) -> Result<(), StoreError> {
        let command = &claimed.command;
        let Intent::Deprovision(Deprovision {
            mode: DeprovisionMode::FreezeThenDeactivate { grace },
            trigger,
        }) = &command.intent
        else {
            return Ok(());
        };
        let due = self.clock.now()
            + chrono::Duration::from_std(*grace).unwrap_or(chrono::Duration::days(1));
        let follow_up = NewCommand {
            id: CommandId::generate(),
            subject: command.subject.clone(),
            intent: Intent::Deprovision(Deprovision {
                mode: DeprovisionMode::Deactivate,
                trigger: format!("{trigger} (after the grace period)"),
            }),
            origin: command.origin.clone(),
            item_key: Some(format!("{}:then-deactivate", command.id)),
            due_at: Some(due),
        };
        let event = command
            .origin
            .event_id
            .as_deref()
            .and_then(|id| crate::store::EventId::parse(id).ok());
        self.store.enqueue(event.as_ref(), vec![follow_up]).await?;
        Ok(())
    }

    async fn failed(
        &self,
        claimed: &ClaimedCommand,
        error: CallError,
        meter: &CallMeter,
    ) -> Result<RunEnd, StoreError> {
        let command = &claimed.command;
        let disposition = error.disposition();
        let refusal = error.refusal();
        match disposition {
            Disposition::Permanent => self.dead_letter(command, refusal, meter).await,
            Disposition::LicenceExhausted => {
                let licence = match &command.intent {
                    Intent::Provision(p) => self
                        .profiles
                        .lock()
                        .get(&p.profile)
                        .map(|p| p.licence.clone()),
                    Intent::Deprovision(_) => None,
                };
                tracing::warn!(
                    licence = licence.as_deref().unwrap_or("unknown"),
                    "no free licence: command parked"
                );
                self.store
                    .park(&command.id, &refusal.message, licence.as_deref())
                    .await?;
                Ok(RunEnd::Parked { licence })
            }
            Disposition::Transient | Disposition::RateLimited | Disposition::Session => {
                if claimed.attempts >= self.retry.max_attempts {
                    let exhausted = Refusal {
                        code: "RETRIES_EXHAUSTED".into(),
                        message: format!(
                            "gave up after {} attempts; last error {}: {}",
                            claimed.attempts, refusal.code, refusal.message
                        ),
                        fields: refusal.fields,
                        status: refusal.status,
                    };
                    return self.dead_letter(command, exhausted, meter).await;
                }
                let delay = self.retry.delay(
                    claimed.attempts,
                    disposition,
                    jitter(&command.id, claimed.attempts),
                );
                let due_at = self.clock.now()
                    + chrono::Duration::from_std(delay).unwrap_or(chrono::Duration::seconds(60));
                tracing::warn!(
                    code = refusal.code,
                    delay_ms = delay.as_millis() as u64,
                    "transient failure: will retry"
                );
                self.store
                    .retry_later(&command.id, due_at, &refusal)
                    .await?;
                Ok(RunEnd::Retrying { due_at })
            }
        }
    }

    async fn dead_letter(
        &self,
        command: &Command,
        refusal: Refusal,
        meter: &CallMeter,
    ) -> Result<RunEnd, StoreError> {
        tracing::warn!(code = refusal.code, "refused for good: dead-lettered");
        let outcome = self.outcome(
            OutcomeKind::DeadLettered,
            meter,
            SalesforceIds::default(),
            LicenceEffect::Unchanged,
            vec![],
            Some(refusal),
        );
        self.finish(command, outcome, SubjectUpdate::default())
            .await?;
        Ok(RunEnd::Finished(OutcomeKind::DeadLettered))
    }

    async fn finish(
        &self,
        command: &Command,
        outcome: Outcome,
        update: SubjectUpdate,
    ) -> Result<(), StoreError> {
        let finished = CommandFinished {
            intent: command.intent.kind(),
            outcome: outcome.kind.as_str(),
            api_calls: outcome.api_calls,
            steps: outcome.steps.clone(),
            code: outcome.refusal.as_ref().map(|r| r.code.clone()),
        };
        let mut announcement = OutboxEvent::announcing(command, &outcome);
        announcement.traceparent = command.origin.traceparent.clone();
        self.store
            .finish(&command.id, outcome, update, announcement)
            .await?;
        // Only a recorded outcome is counted and logged as one.
        finished.emit(&self.metrics);
        Ok(())
    }

    fn outcome(
        &self,
        kind: OutcomeKind,
        meter: &CallMeter,
        salesforce: SalesforceIds,
        licence_effect: LicenceEffect,
        steps: Vec<String>,
        refusal: Option<Refusal>,
    ) -> Outcome {
        Outcome {
            kind,
            salesforce,
            licence_effect,
            steps,
            api_calls: meter.calls(),
            refusal,
            finished_at: self.clock.now(),
        }
    }
}

fn state_after(intent: &Intent) -> SubjectState {
    match intent {
        Intent::Provision(_) => SubjectState::Provisioned,
        Intent::Deprovision(d) => match d.mode {
            DeprovisionMode::Deactivate => SubjectState::Deactivated,
            DeprovisionMode::Freeze | DeprovisionMode::FreezeThenDeactivate { .. } => {
                SubjectState::Frozen
            }
            DeprovisionMode::Disable => SubjectState::Disabled,
        },
    }
}

/// A stable spread in `[0, 1)` per command and attempt, so retries of many commands fan out
/// without a random source (and tests stay repeatable).
fn jitter(id: &CommandId, attempt: u32) -> f64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    id.as_str().hash(&mut hasher);
    attempt.hash(&mut hasher);
    (hasher.finish() % 10_000) as f64 / 10_000.0
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
