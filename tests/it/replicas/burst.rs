//! The senders: the partner portal posting signed webhooks spread over the replicas, several at
//! once, and redelivering to another replica what one did not answer (as a sender behind a load
//! balancer would); and a producer writing the portal's signups to the input topic.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::StreamExt;
use serde_json::{Value, json};

use crate::kafka::broker;
use crate::kafka::inbound::{Topics, produce_signups};
use crate::scenarios::Partner;
use crate::support::{PORTAL_SECRET, standard_signature};

/// Deliveries in flight at once.
const IN_FLIGHT: usize = 8;
/// Rounds over the replicas before a delivery is given up: bounds a hang.
const ROUNDS: usize = 20;
/// The pause after a round in which no replica answered.
const PAUSE: Duration = Duration::from_millis(250);

/// One signed delivery: its webhook id (the sender's, kept across redeliveries) and body.
pub struct Delivery {
    pub id: String,
    pub body: Value,
}

impl Delivery {
    /// `person`'s signup, under the webhook id `signup-<id>`.
    pub fn signup(person: &Partner) -> Delivery {
        Delivery {
            id: format!("signup-{}", person.id),
            body: person.signed_up(chrono::Utc::now(), json!({})),
        }
    }

    /// `person`'s removal from the portal, under the webhook id `removal-<id>`.
    pub fn removal(person: &Partner) -> Delivery {
        Delivery {
            id: format!("removal-{}", person.id),
            body: person.event("partner.user.removed", chrono::Utc::now(), json!({})),
        }
    }
}

/// The portal, sending to every replica in turn.
#[derive(Clone)]
pub struct Portal {
    bases: Arc<Vec<String>>,
    client: reqwest::Client,
    next: Arc<AtomicUsize>,
    /// Deliveries a replica answered `202` (stored now) or `200` (stored before).
    pub answered: Arc<AtomicUsize>,
    /// Attempts that brought no answer (or a `5xx`), each followed by a redelivery.
    pub redelivered: Arc<AtomicUsize>,
}

impl Portal {
    pub fn new(bases: &[String]) -> Portal {
        Portal {
            bases: Arc::new(bases.to_vec()),
            client: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .build()
                .expect("client"),
            next: Arc::new(AtomicUsize::new(0)),
            answered: Arc::new(AtomicUsize::new(0)),
            redelivered: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Sends every delivery, [`IN_FLIGHT`] at a time, each until a replica answers it.
    pub async fn send_all(&self, deliveries: Vec<Delivery>) {
        futures::stream::iter(deliveries)
            .for_each_concurrent(IN_FLIGHT, |delivery| async move {
                self.deliver(&delivery).await
            })
            .await
    }

    /// Sends one delivery to the next replica in turn; when that one gives no answer, or a
    /// `5xx`, the same delivery (same webhook id, signed anew) goes to the one after it.
    async fn deliver(&self, delivery: &Delivery) {
        let first = self.next.fetch_add(1, Ordering::Relaxed);
        let body = delivery.body.to_string();
        let mut failures = Vec::new();
        for attempt in 0..self.bases.len() * ROUNDS {
            let base = &self.bases[(first + attempt) % self.bases.len()];
            let ts = chrono::Utc::now().timestamp();
            let sent = self
                .client
                .post(format!("{base}/v1/webhooks/partner-portal"))
                .header("content-type", "application/json")
                .header("webhook-id", &delivery.id)
                .header("webhook-timestamp", ts.to_string())
                .header(
                    "webhook-signature",
                    standard_signature(PORTAL_SECRET, &delivery.id, ts, body.as_bytes()),
                )
                .body(body.clone())
                .send()
                .await;
            match sent.map(|answer| answer.status().as_u16()) {
                Ok(200 | 202) => {
                    self.answered.fetch_add(1, Ordering::SeqCst);
                    return;
                }
                Ok(status) if status < 500 => {
                    panic!("{base} refused delivery {}: {status}", delivery.id)
                }
                Ok(status) => failures.push(format!("{base}: {status}")),
                Err(e) => failures.push(format!("{base}: {e}")),
            }
            self.redelivered.fetch_add(1, Ordering::SeqCst);
            if (attempt + 1) % self.bases.len() == 0 {
                // Every replica failed this round: give them a moment before the next.
                tokio::time::sleep(PAUSE).await;
            }
        }
        panic!(
            "no replica took delivery {}; attempts: {failures:#?}",
            delivery.id
        );
    }
}

/// Produces each person's signup to the input topic, keyed by their id.
pub async fn produce(topics: &Topics, people: &[Partner]) {
    let producer = broker::producer(&topics.brokers);
    produce_signups(&producer, &topics.input, people).await;
}
