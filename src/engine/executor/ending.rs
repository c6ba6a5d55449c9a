//! A run's ending: first decided from what its Salesforce part did ([`Prepared`]: pure but for
//! the logs), then written — alone in one transaction, or with the rest of its batch in one
//! (`Store::end_many`). Either way, what an outcome causes (the deactivation that follows a
//! freeze after its grace period, the commands parked for a licence it freed) is written in
//! the same transaction as the outcome, the follow-ups before it: a crash can lose neither.

use super::decision::{Decision, decide};
use super::follow_up;
use super::outcome::{self, Done, Draft, converged};
use super::part::Tally;
use super::{Executor, RunEnd};
use crate::domain::{Command, Intent, OutcomeKind};
use crate::engine::apply::ApplyError;
use crate::engine::lease::ClaimHold;
use crate::report::chain;
use crate::store::{ClaimedCommand, Ending, Finish, OutboxEvent, StoreError, SubjectUpdate};
use crate::telemetry::events::CommandFinished;

/// An ending decided and not yet written.
pub(in crate::engine) struct Prepared {
    pub ending: Ending,
    pub end: RunEnd,
    /// Counted and logged once the ending is written: only a recorded outcome is one.
    finished: Option<CommandFinished>,
}

impl Executor {
    /// The ending of a run whose Salesforce part ended with `result`. A lost claim is the
    /// error: the run writes nothing more.
    pub(in crate::engine) fn prepare(
        &self,
        claimed: &ClaimedCommand,
        hold: &ClaimHold,
        result: Result<Done, ApplyError>,
        tally: &Tally<'_>,
    ) -> Result<Prepared, StoreError> {
        hold.check()?;
        match result {
            Ok(done) => Ok(self.succeeded(&claimed.command, hold, done, tally)),
            Err(ApplyError::Store(e)) if e.is_claim_lost() => {
                hold.lose();
                Err(e)
            }
            Err(error) => Ok(self.failed(claimed, hold, &error, tally)),
        }
    }

    /// The ending of a command older than the last event applied for its subject.
    pub(super) fn stale(
        &self,
        command: &Command,
        hold: &ClaimHold,
        why: String,
        tally: &Tally<'_>,
    ) -> Prepared {
        let stale = Draft::nothing(OutcomeKind::SkippedStale, vec![why], None);
        self.finishing(command, hold, stale, SubjectUpdate::default(), tally)
    }

    /// Writes one run's ending in a transaction of its own.
    pub(super) async fn write(&self, prepared: Prepared) -> Result<RunEnd, StoreError> {
        let Prepared {
            ending,
            end,
            finished,
        } = prepared;
        let mut ended = self.store.end_many(vec![ending]).await?;
        let written = ended.endings.pop().unwrap_or(Err(StoreError::WriterLost));
        written?;
        log_resumed(ended.resumed);
        Ok(self.recorded(end, finished))
    }

    /// Counts a written ending; answers how the run ended.
    pub(in crate::engine) fn recorded(
        &self,
        end: RunEnd,
        finished: Option<CommandFinished>,
    ) -> RunEnd {
        if let Some(finished) = finished {
            finished.emit(&self.metrics);
        }
        end
    }

    /// A command that brought the org to its desired state: its outcome, with what follows.
    fn succeeded(
        &self,
        command: &Command,
        hold: &ClaimHold,
        done: Done,
        tally: &Tally<'_>,
    ) -> Prepared {
        let converged = converged(&command.intent, done);
        let mut prepared =
            self.finishing(command, hold, converged.outcome, converged.update, tally);
        if let Ending::Finish(finish) = &mut prepared.ending {
            finish.freed = converged.freed;
            finish.follow_ups = follow_up::after_grace(command, self.clock.now())
                .into_iter()
                .collect();
        }
        prepared
    }

    /// What the failure's disposition decides: dead-letter, park or retry.
    fn failed(
        &self,
        claimed: &ClaimedCommand,
        hold: &ClaimHold,
        error: &ApplyError,
        tally: &Tally<'_>,
    ) -> Prepared {
        let command = &claimed.command;
        match decide(error, &command.id, claimed.attempts, &self.retry) {
            Decision::DeadLetter(refusal) => {
                tracing::warn!(
                    code = refusal.code,
                    error = %chain(error),
                    "refused for good: dead-lettered"
                );
                let (outcome, update) = outcome::dead_lettered(refusal, error.applied());
                self.finishing(command, hold, outcome, update, tally)
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
                Prepared {
                    ending: Ending::Park {
                        command_id: command.id.clone(),
                        fence: hold.fence(),
                        reason: refusal.message,
                        licence: licence.clone(),
                    },
                    end: RunEnd::Parked { licence },
                    finished: None,
                }
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
                Prepared {
                    ending: Ending::Retry {
                        command_id: command.id.clone(),
                        fence: hold.fence(),
                        due_at,
                        error: kept,
                    },
                    end: RunEnd::Retrying { due_at },
                    finished: None,
                }
            }
        }
    }

    /// Ends the command with its outcome, announced in the outbox in the same transaction.
    fn finishing(
        &self,
        command: &Command,
        hold: &ClaimHold,
        draft: Draft,
        update: SubjectUpdate,
        tally: &Tally<'_>,
    ) -> Prepared {
        let outcome = draft.finished(tally.meter.calls(), self.clock.now(), tally.batch.cloned());
        let kind = outcome.kind;
        let finished = CommandFinished {
            intent: command.intent.kind(),
            outcome: kind.as_str(),
            api_calls: outcome.api_calls,
            steps: outcome.steps.clone(),
            code: outcome.refusal.as_ref().map(|r| r.code.clone()),
        };
        let mut announcement = OutboxEvent::announcing(command, &outcome);
        announcement.traceparent = command.origin.traceparent.clone();
        Prepared {
            ending: Ending::Finish(Box::new(Finish {
                command_id: command.id.clone(),
                fence: hold.fence(),
                outcome,
                update,
                announcement,
                freed: None,
                follow_ups: Vec::new(),
            })),
            end: RunEnd::Finished(kind),
            finished: Some(finished),
        }
    }
}

/// Logs the parked commands an ending's freed licence resumed.
pub(in crate::engine) fn log_resumed(resumed: u64) {
    if resumed > 0 {
        tracing::info!(resumed, "a freed licence resumed parked commands");
    }
}

impl Prepared {
    /// Splits into the ending to write and what to count once it is written.
    pub(in crate::engine) fn into_parts(self) -> (Ending, RunEnd, Option<CommandFinished>) {
        (self.ending, self.end, self.finished)
    }
}
