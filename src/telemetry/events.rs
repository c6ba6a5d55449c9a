//! Telemetry as typed events: each `emit` writes the log line and moves the metric together,
//! so the two never disagree about what happened.
//!
//! No event carries personal data: subjects are source ids, emails and names never reach here.

use std::time::Duration;

use super::metrics::{
    AcceptedLabels, CallLabels, EndpointLabels, MappedLabels, Metrics, OutcomeLabels,
    RejectedLabels, RunLabels, SourceLabels, TypeLabels,
};

/// The `source` label of a delivery to a source that is not configured: the path segment is
/// the sender's text, and a label per guess would grow the registry without bound.
pub const UNKNOWN_SOURCE: &str = "unknown";

/// A delivery was stored in the inbox (or recognised as a redelivery).
pub struct WebhookAccepted<'a> {
    pub source: &'a str,
    pub event_id: &'a str,
    pub duplicate: bool,
    pub key_origin: &'a str,
}

impl WebhookAccepted<'_> {
    pub fn emit(self, metrics: &Metrics) {
        let f = &metrics.families;
        f.webhooks_received
            .get_or_create(&SourceLabels {
                source: self.source.to_owned(),
            })
            .inc();
        f.webhooks_accepted
            .get_or_create(&AcceptedLabels {
                source: self.source.to_owned(),
                duplicate: self.duplicate.to_string(),
            })
            .inc();
        tracing::info!(
            source = self.source,
            event_id = self.event_id,
            duplicate = self.duplicate,
            key_origin = self.key_origin,
            "webhook accepted"
        );
    }
}

/// A delivery was refused; the sender keeps it and may resend.
pub struct WebhookRefused<'a> {
    /// The source as named in the URL.
    pub source: &'a str,
    /// Whether that source is configured; if not, it is counted as [`UNKNOWN_SOURCE`].
    pub configured: bool,
    pub status: u16,
    pub reason: &'a str,
    /// What went wrong; never holds the body or a secret.
    pub detail: &'a str,
}

impl WebhookRefused<'_> {
    pub fn emit(self, metrics: &Metrics) {
        let source = if self.configured {
            self.source
        } else {
            UNKNOWN_SOURCE
        };
        let f = &metrics.families;
        f.webhooks_received
            .get_or_create(&SourceLabels {
                source: source.to_owned(),
            })
            .inc();
        f.webhooks_rejected
            .get_or_create(&RejectedLabels {
                source: source.to_owned(),
                reason: self.reason.to_owned(),
            })
            .inc();
        if self.status == 429 {
            f.ingress_throttled
                .get_or_create(&SourceLabels {
                    source: source.to_owned(),
                })
                .inc();
        }
        tracing::warn!(
            source = self.source,
            status = self.status,
            reason = self.reason,
            detail = self.detail,
            "webhook refused"
        );
    }
}

/// What the mapping rules made of an inbox event.
pub enum MappingResult<'a> {
    Mapped { commands: usize, superseded: usize },
    Ignored { rule: &'a str },
    Unmapped { reason: &'a str },
}

/// The mapping stage handled an event.
pub struct EventMapped<'a> {
    pub source: &'a str,
    pub event_id: &'a str,
    pub result: MappingResult<'a>,
}

impl EventMapped<'_> {
    pub fn emit(self, metrics: &Metrics) {
        let result = match &self.result {
            MappingResult::Mapped { .. } => "mapped",
            MappingResult::Ignored { .. } => "ignored",
            MappingResult::Unmapped { .. } => "unmapped",
        };
        metrics
            .families
            .events_mapped
            .get_or_create(&MappedLabels {
                source: self.source.to_owned(),
                result: result.to_owned(),
            })
            .inc();
        let (source, event_id) = (self.source, self.event_id);
        match self.result {
            MappingResult::Mapped {
                commands,
                superseded,
            } => tracing::info!(source, event_id, commands, superseded, "event mapped"),
            MappingResult::Ignored { rule } => {
                tracing::info!(source, event_id, rule, "event ignored by rule")
            }
            MappingResult::Unmapped { reason } => {
                tracing::warn!(source, event_id, reason, "event kept unmapped")
            }
        }
    }
}

/// A command reached its outcome. Logged inside the command's span, which carries its id,
/// subject and trace id.
pub struct CommandFinished {
    pub intent: &'static str,
    pub outcome: &'static str,
    pub api_calls: u32,
    pub steps: Vec<String>,
    /// The refusal code of a dead-lettered command.
    pub code: Option<String>,
}

impl CommandFinished {
    pub fn emit(self, metrics: &Metrics) {
        metrics
            .families
            .commands
            .get_or_create(&OutcomeLabels {
                intent: self.intent.to_owned(),
                outcome: self.outcome.to_owned(),
            })
            .inc();
        tracing::info!(
            intent = self.intent,
            outcome = self.outcome,
            api_calls = self.api_calls,
            steps = self.steps.join(","),
            code = self.code.as_deref(),
            "command finished"
        );
    }
}

/// One run of a command ended: with an outcome, or waiting again (retrying, parked). Only a
/// metric; the executor logs why it waits where it decides so.
pub struct CommandRan<'a> {
    pub intent: &'a str,
    pub result: &'a str,
    pub elapsed: Duration,
}

impl CommandRan<'_> {
    pub fn emit(self, metrics: &Metrics) {
        metrics
            .families
            .command_seconds
            .get_or_create(&RunLabels {
                intent: self.intent.to_owned(),
                result: self.result.to_owned(),
            })
            .observe(self.elapsed.as_secs_f64());
    }
}

/// One HTTP request to the org's data API was answered (or failed to be).
pub struct SalesforceCall<'a> {
    pub method: &'a str,
    /// The path with ids and keys replaced by placeholders, e.g. `/sobjects/Contact/{id}`.
    pub endpoint: &'a str,
    /// `None` when no answer came (connection refused, timeout).
    pub status: Option<u16>,
    pub error_code: Option<&'a str>,
    pub elapsed: Duration,
}

impl SalesforceCall<'_> {
    pub fn emit(self, metrics: &Metrics) {
        let f = &metrics.families;
        let status = self
            .status
            .map_or_else(|| "error".to_owned(), |s| s.to_string());
        f.salesforce_calls
            .get_or_create(&CallLabels {
                method: self.method.to_owned(),
                endpoint: self.endpoint.to_owned(),
                status: status.clone(),
                error_code: self.error_code.unwrap_or_default().to_owned(),
            })
            .inc();
        f.salesforce_call_seconds
            .get_or_create(&EndpointLabels {
                endpoint: self.endpoint.to_owned(),
            })
            .observe(self.elapsed.as_secs_f64());
        tracing::debug!(
            method = self.method,
            endpoint = self.endpoint,
            status,
            error_code = self.error_code,
            elapsed_ms = self.elapsed.as_millis() as u64,
            "salesforce call"
        );
    }
}

/// The broker acknowledged an outcome event: it is on the outcome topic. Only a metric: the
/// relay logs each batch once, not each event.
pub struct OutcomePublished<'a> {
    /// The CloudEvents type (`dev.gatehouse.user.provisioned`, …): a bounded set.
    pub event_type: &'a str,
}

impl OutcomePublished<'_> {
    pub fn emit(self, metrics: &Metrics) {
        metrics
            .families
            .outcomes_published
            .get_or_create(&TypeLabels {
                r#type: self.event_type.to_owned(),
            })
            .inc();
    }
}

/// Outcome events the broker did not acknowledge (or that could not be handed to the
/// producer); they stay unpublished and go again after a backoff.
pub struct OutcomePublishFailed<'a> {
    /// How many events of the batch failed.
    pub events: u64,
    /// The first failure's error, as librdkafka or the encoder said it; never holds a payload.
    pub error: &'a str,
    pub retry_in: Duration,
}

impl OutcomePublishFailed<'_> {
    pub fn emit(self, metrics: &Metrics) {
        metrics
            .families
            .outcome_publish_failures
            .inc_by(self.events);
        tracing::warn!(
            events = self.events,
            error = self.error,
            retry_in_ms = self.retry_in.as_millis() as u64,
            "outcome events not acknowledged; publishing them again after a backoff"
        );
    }
}

/// An attempt at delivering an outcome event to a webhook subscriber, and how it ended:
/// `delivered`, `retrying`, `failed` (given up) or `gone` (410; the subscriber is disabled).
pub struct WebhookAttempted<'a> {
    pub subscriber: &'a str,
    /// The event's id (`webhook-id`).
    pub event_id: &'a str,
    pub result: &'static str,
    /// The answer's status, when one came.
    pub status: Option<u16>,
    /// Why it failed: the status, a timeout, a refused connection. Never a body or a secret.
    pub error: Option<&'a str>,
    pub retry_in: Option<chrono::TimeDelta>,
}

impl WebhookAttempted<'_> {
    pub fn emit(self, metrics: &Metrics) {
        metrics
            .families
            .webhook_deliveries
            .get_or_create(&super::metrics::DeliveryLabels {
                subscriber: self.subscriber.to_owned(),
                result: self.result.to_owned(),
            })
            .inc();
        let retry_in_s = self.retry_in.map(|wait| wait.num_seconds());
        match self.result {
            "delivered" => tracing::debug!(
                subscriber = self.subscriber,
                event_id = self.event_id,
                status = self.status,
                "outcome webhook delivered"
            ),
            _ => tracing::warn!(
                subscriber = self.subscriber,
                event_id = self.event_id,
                result = self.result,
                status = self.status,
                error = self.error,
                retry_in_s,
                "outcome webhook not delivered"
            ),
        }
    }
}

/// A webhook subscriber's state as the metrics show it: failing (a delivery was given up) and
/// disabled (it answered 410).
pub struct WebhookSubscriberState<'a> {
    pub subscriber: &'a str,
    pub failing: bool,
    pub disabled: bool,
}

impl WebhookSubscriberState<'_> {
    pub fn emit(self, metrics: &Metrics) {
        let labels = super::metrics::SubscriberLabels {
            subscriber: self.subscriber.to_owned(),
        };
        let f = &metrics.families;
        f.webhook_subscriber_failing
            .get_or_create(&labels)
            .set(i64::from(self.failing));
        f.webhook_subscriber_disabled
            .get_or_create(&labels)
            .set(i64::from(self.disabled));
    }
}

/// A retention pass removed personal data: per kind of record, how many rows were scrubbed or
/// deleted. Logged once per pass that removed something.
pub struct RetentionSwept<'a> {
    /// Rows per kind (`inbox_bodies`, `commands`, …), kinds with none left out.
    pub rows: &'a [(&'static str, u64)],
}

impl RetentionSwept<'_> {
    pub fn emit(self, metrics: &Metrics) {
        for (kind, rows) in self.rows {
            metrics
                .families
                .retention_scrubbed
                .get_or_create(&super::metrics::KindLabels {
                    kind: (*kind).to_owned(),
                })
                .inc_by(*rows);
        }
        if self.rows.is_empty() {
            return;
        }
        let kinds: Vec<String> = self
            .rows
            .iter()
            .map(|(kind, rows)| format!("{kind}={rows}"))
            .collect();
        tracing::info!(
            removed = self.rows.iter().map(|(_, rows)| rows).sum::<u64>(),
            kinds = kinds.join(" "),
            "retention removed personal data past its time"
        );
    }
}
