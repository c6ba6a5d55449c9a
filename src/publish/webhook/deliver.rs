//! Sending the due deliveries of one subscriber and recording what came of each.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use super::{BATCH, CONCURRENCY, WebhookRelay, message, schedule};
use crate::store::{Attempt, PendingDelivery, StoreError, SubscriberState};
use crate::telemetry::events::WebhookAttempted;

/// What one pass did.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Pass {
    /// Requests sent.
    pub sent: usize,
    pub delivered: usize,
    /// Deliveries that failed and wait for a retry, or were given up.
    pub failed: usize,
    /// The subscriber is disabled: nothing was sent.
    pub disabled: bool,
    /// The earliest time a pending delivery not yet due is due.
    pub next_due: Option<DateTime<Utc>>,
}

/// How a request ended: its status if an answer came, else why none did.
struct Answer {
    status: Option<u16>,
    error: Option<String>,
}

impl WebhookRelay {
    /// Sends the due head of each subject's pending deliveries and records each attempt.
    pub async fn deliver_due(&self) -> Result<Pass, StoreError> {
        let mut pass = Pass::default();
        let mut state = self.state().await?;
        self.show_state(state);
        if state == SubscriberState::Disabled {
            pass.disabled = true;
            return Ok(pass);
        }
        let pending = self
            .store
            .webhook_pending(&self.subscriber.name, BATCH)
            .await?;
        let now = self.clock.now();
        let mut heads = HashSet::new();
        let mut due = Vec::new();
        for delivery in &pending {
            if !heads.insert(delivery.event.subject_key.as_str()) {
                continue;
            }
            match delivery.delivery.next_attempt_at {
                Some(at) if at > now => {
                    pass.next_due = Some(pass.next_due.map_or(at, |next| next.min(at)));
                }
                _ => due.push(delivery),
            }
        }
        for group in due.chunks(CONCURRENCY) {
            let mut sends = Vec::with_capacity(group.len());
            for delivery in group {
                sends.push(self.send(delivery));
            }
            let answers = futures::future::join_all(sends).await;
            for (delivery, answer) in group.iter().zip(answers) {
                pass.sent += 1;
                if self.record(delivery, answer, &mut state).await? {
                    pass.delivered += 1;
                } else {
                    pass.failed += 1;
                }
            }
        }
        Ok(pass)
    }

    /// One request: the event signed now, POSTed to the subscriber.
    async fn send(&self, delivery: &PendingDelivery) -> Answer {
        let signed = message::message(
            &delivery.event,
            &self.ce_source,
            self.clock.now(),
            &self.subscriber.keys,
        );
        let sent = self
            .http
            .post(self.subscriber.url.clone())
            .header(reqwest::header::CONTENT_TYPE, message::CONTENT_TYPE)
            .header("webhook-id", &signed.id)
            .header("webhook-timestamp", signed.timestamp.to_string())
            .header("webhook-signature", &signed.signature)
            .body(signed.body)
            .send()
            .await;
        match sent {
            Ok(response) => {
                let status = response.status();
                Answer {
                    status: Some(status.as_u16()),
                    error: (!status.is_success()).then(|| format!("answered {status}")),
                }
            }
            Err(e) => Answer {
                status: None,
                error: Some(describe(e.without_url())),
            },
        }
    }

    /// Records an attempt; answers whether it delivered. Moves the subscriber's state: 410
    /// disables it, a given-up delivery marks it failing, a delivered one active again.
    async fn record(
        &self,
        delivery: &PendingDelivery,
        answer: Answer,
        state: &mut SubscriberState,
    ) -> Result<bool, StoreError> {
        let name = &self.subscriber.name;
        let id = &delivery.delivery.outbox_id;
        let now = self.clock.now();
        let (attempt, result, retry_in) = match (answer.status, answer.error) {
            (Some(status), None) => (Attempt::Delivered { status }, "delivered", None),
            (Some(410), Some(error)) => {
                let attempt = Attempt::Retry {
                    status: Some(410),
                    error,
                    next_attempt_at: now,
                };
                (attempt, "gone", None)
            }
            (status, error) => {
                let error = error.unwrap_or_else(|| "no answer".to_owned());
                let failed = delivery.delivery.attempts + 1;
                let until = delivery.delivery.retry_until;
                match schedule::next_attempt(id.as_str(), failed, now, until) {
                    Some(next_attempt_at) => (
                        Attempt::Retry {
                            status,
                            error,
                            next_attempt_at,
                        },
                        "retrying",
                        Some(next_attempt_at - now),
                    ),
                    None => (Attempt::GaveUp { status, error }, "failed", None),
                }
            }
        };
        let error = match &attempt {
            Attempt::Retry { error, .. } | Attempt::GaveUp { error, .. } => Some(error.as_str()),
            Attempt::Delivered { .. } => None,
        };
        WebhookAttempted {
            subscriber: name,
            event_id: id.as_str(),
            result,
            status: answer.status,
            error,
            retry_in,
        }
        .emit(&self.metrics);
        let recorded = self
            .store
            .record_webhook_attempt(name, id, &attempt)
            .await?;
        let next_state = match result {
            "gone" => Some(SubscriberState::Disabled),
            "failed" if *state == SubscriberState::Active => Some(SubscriberState::Failing),
            "delivered" if *state == SubscriberState::Failing => Some(SubscriberState::Active),
            _ => None,
        };
        if let Some(next) = next_state.filter(|_| recorded) {
            let reason = match next {
                SubscriberState::Disabled => Some("answered 410 Gone"),
                SubscriberState::Failing => Some("a delivery was retried until its window closed"),
                SubscriberState::Active => None,
            };
            self.set_state(next, reason).await?;
            *state = next;
        }
        Ok(result == "delivered")
    }
}

/// Why a request got no answer, without its URL (which may carry a token).
fn describe(error: reqwest::Error) -> String {
    if error.is_timeout() {
        "timed out".to_owned()
    } else if error.is_connect() {
        "could not connect".to_owned()
    } else {
        crate::report::chain(&error).to_string()
    }
}
