//! Intake: accepted events become queued commands, or are kept with the reason they could not.
//!
//! Runs in the background, woken when the ingress accepts an event (and every second anyway,
//! so nothing waits on a lost wake-up). Each event is handled in one store transaction:
//! its commands are enqueued and it is marked `mapped` together, so a crash never maps an
//! event twice or loses one.

mod window;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;
use tracing::Instrument;

use crate::domain::{Deprovision, DeprovisionMode, Intent};
use crate::mapping::{MappedCommand, MappingDecision, MappingInput, MappingRules};
use crate::report::chain;
use crate::store::{InboxEvent, InboxFilter, InboxStatus, NewCommand, Store, StoreError, Verdict};
use crate::telemetry::events::{EventMapped, MappingResult};
use crate::telemetry::{Metrics, context};

/// How long the intake waits after a wake-up for more events to arrive.
const COALESCE: Duration = Duration::from_millis(20);

/// Events read per pass.
const PAGE: u32 = 500;

/// Maps accepted events into commands.
pub struct Intake {
    store: Store,
    rules: MappingRules,
    /// Woken when commands were enqueued.
    worker: Arc<Notify>,
    metrics: Metrics,
}

impl Intake {
    pub fn new(store: Store, rules: MappingRules, worker: Arc<Notify>) -> Intake {
        Intake {
            store,
            rules,
            worker,
            metrics: Metrics::default(),
        }
    }

    /// Counts mapped events into the application's registry.
    pub fn with_metrics(mut self, metrics: Metrics) -> Intake {
        self.metrics = metrics;
        self
    }

    /// Maps until cancelled.
    pub async fn run(self, wake: Arc<Notify>, cancel: CancellationToken) {
        loop {
            let handled = match self.drain().await {
                Ok(n) => n,
                Err(e) => {
                    tracing::error!(error = %chain(&e), "intake could not read the inbox; retrying");
                    0
                }
            };
            if handled > 0 {
                continue;
            }
            tokio::select! {
                _ = cancel.cancelled() => return,
                _ = wake.notified() => {
                    // Let a burst gather: mapping a page of events costs about what mapping
                    // one does, while each pass competes with the ingress for the writer.
                    tokio::time::sleep(COALESCE).await;
                }
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
            }
        }
    }

    /// Maps every accepted event now; returns how many were handled.
    pub async fn drain(&self) -> Result<usize, StoreError> {
        let mut handled = 0;
        loop {
            let events = self
                .store
                .list(&InboxFilter {
                    status: Some(InboxStatus::Accepted),
                    limit: PAGE,
                    ..InboxFilter::default()
                })
                .await?;
            if events.is_empty() {
                return Ok(handled);
            }
            let page = events.len();
            // Verdicts without commands are handed to the store together, and ride in the
            // transaction of the next accepted events: no disk sync of their own. Events with
            // commands each take their own transaction, which also marks them mapped.
            let mut verdicts = Vec::new();
            for event in &events {
                if let Some(verdict) = self.map_event(event).await? {
                    verdicts.push(verdict);
                }
                handled += 1;
            }
            if !verdicts.is_empty() {
                self.store.mark_many(&verdicts).await?;
            }
            if page < PAGE as usize {
                return Ok(handled);
            }
        }
    }

    /// Enqueues the event's commands, or returns the verdict to record for it; inside a
    /// `mapping` span, a child of the span that accepted the event.
    async fn map_event(&self, event: &InboxEvent) -> Result<Option<Verdict>, StoreError> {
        let span = tracing::info_span!(
            "mapping",
            event_id = event.event_id.as_str(),
            source = event.source.as_str(),
            trace_id = tracing::field::Empty,
        );
        context::continue_trace(&span, event.traceparent.as_deref());
        self.map_in_span(event).instrument(span).await
    }

    async fn map_in_span(&self, event: &InboxEvent) -> Result<Option<Verdict>, StoreError> {
        let input = MappingInput::from_inbox(event);
        let id = &event.event_id;
        match self.rules.map(&input) {
            MappingDecision::Commands(mapped) => {
                if let Some(window) = self.rules.replay_window(&event.source)
                    && let Some(reason) =
                        window::refusal(&self.store, event, &mapped, window).await?
                {
                    EventMapped {
                        source: &event.source,
                        event_id: id.as_str(),
                        result: MappingResult::Unmapped { reason: &reason },
                    }
                    .emit(&self.metrics);
                    return Ok(Some((id.clone(), InboxStatus::Unmapped, Some(reason))));
                }
                let commands: Vec<NewCommand> = mapped
                    .into_iter()
                    .flat_map(|m| new_commands(m, &input))
                    .collect();
                let count = commands.len();
                match self.store.enqueue(Some(id), commands).await {
                    Ok(enqueued) => {
                        let superseded: usize = enqueued.iter().map(|e| e.superseded.len()).sum();
                        EventMapped {
                            source: &event.source,
                            event_id: id.as_str(),
                            result: MappingResult::Mapped {
                                commands: count,
                                superseded,
                            },
                        }
                        .emit(&self.metrics);
                        self.worker.notify_one();
                        Ok(None)
                    }
                    // The store refuses what it cannot keep faithfully: keep the event with the
                    // reason instead of retrying it forever.
                    Err(e) if e.kind() == crate::store::StoreErrorKind::Invalid => {
                        let reason = format!("the commands could not be stored: {}", chain(&e));
                        EventMapped {
                            source: &event.source,
                            event_id: id.as_str(),
                            result: MappingResult::Unmapped { reason: &reason },
                        }
                        .emit(&self.metrics);
                        Ok(Some((id.clone(), InboxStatus::Unmapped, Some(reason))))
                    }
                    Err(e) => Err(e),
                }
            }
            MappingDecision::Ignored { rule, reason } => {
                EventMapped {
                    source: &event.source,
                    event_id: id.as_str(),
                    result: MappingResult::Ignored { rule: &rule },
                }
                .emit(&self.metrics);
                Ok(Some((
                    id.clone(),
                    InboxStatus::Ignored,
                    Some(format!("rule '{rule}': {reason}")),
                )))
            }
            MappingDecision::Unmapped { reason } => {
                EventMapped {
                    source: &event.source,
                    event_id: id.as_str(),
                    result: MappingResult::Unmapped { reason: &reason },
                }
                .emit(&self.metrics);
                Ok(Some((id.clone(), InboxStatus::Unmapped, Some(reason))))
            }
        }
    }
}

/// The queue's commands for one mapped command: itself, plus — for a provision with an end
/// date — the deprovision scheduled for that date (which a later provision supersedes).
fn new_commands(mapped: MappedCommand, input: &MappingInput) -> Vec<NewCommand> {
    let item_key = mapped.item_key.clone();
    let command = mapped.into_command(input);
    let end = match &command.intent {
        Intent::Provision(p) => p.end_at,
        Intent::Deprovision(_) => None,
    };
    let mut commands = Vec::with_capacity(2);
    if let Some(end_at) = end {
        commands.push(NewCommand {
            id: crate::domain::CommandId::generate(),
            subject: command.subject.clone(),
            intent: Intent::Deprovision(Deprovision {
                mode: DeprovisionMode::Deactivate,
                trigger: "end date reached".to_owned(),
            }),
            origin: command.origin.clone(),
            item_key: Some(format!("{}:end", item_key.as_deref().unwrap_or("event"))),
            due_at: Some(end_at),
        });
    }
    commands.insert(0, NewCommand::from_command(command, item_key));
    commands
}
