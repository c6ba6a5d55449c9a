//! The Kafka consumer: records from the configured topics into the inbox, at least once.
//!
//! - A dedicated thread polls a librdkafka consumer in the group and hands each record to its
//!   partition's tokio task over a bounded channel ([`assignment`], [`run`]); a full channel
//!   pauses that partition alone. Partitions are handled concurrently, each strictly in order.
//! - A task takes every record already waiting (a batch), decodes them ([`decode`]) and submits
//!   them to the inbox together, so the group commit writes them in one transaction; records that
//!   cannot be decoded go to the dead-letter topic ([`dead_letter`]). Only once every record of
//!   the batch is durable does the partition's offset move, and the polling thread stores it;
//!   librdkafka commits stored offsets every `commit_interval_ms` ([`partition`]).
//! - On a revocation the revoked partitions drain and their offsets are committed synchronously
//!   before they are given up; statistics feed the lag gauge ([`rebalance`]).
//!
//! docs/kafka.md describes the guarantees for users.

mod assignment;
pub mod dead_letter;
mod decode;
mod held;
mod leaving;
mod partition;
mod rebalance;
mod record;
mod run;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use parking_lot::Mutex;
use rdkafka::consumer::{BaseConsumer, Consumer as _};
use rdkafka::error::KafkaError;
use tokio::sync::{Notify, oneshot};

use crate::clock::Clock;
use crate::config::{SecretError, Settings};
use crate::kafka as client;
use crate::store::Store;
use crate::telemetry::Metrics;

use assignment::Assignment;
use dead_letter::DeadLetters;
use decode::Decoder;
use partition::{Shared, TopicInput};
use rebalance::ConsumeContext;

/// librdkafka's statistics interval unless `[kafka.properties]` sets one: how often the lag
/// gauge is brought up to date.
const STATISTICS_INTERVAL_MS: &str = "5000";

/// Why the consumer could not start.
#[derive(Debug, thiserror::Error)]
pub enum ConsumeError {
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error("the Kafka client could not be created")]
    Client(#[source] KafkaError),
    #[error("kafka.topics.{topic}.source: no [sources.{source_name}] is configured")]
    UnknownSource { topic: String, source_name: String },
    #[error("kafka.dead_letter_topic is required when topics are consumed")]
    NoDeadLetterTopic,
    #[error("subscribing to the Kafka topics failed")]
    Subscribe(#[source] KafkaError),
    #[error("the Kafka polling thread could not be started")]
    Thread(#[source] std::io::Error),
}

/// What the consumer hands its records to.
pub struct Wiring {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    /// Woken when new events are in the inbox.
    pub intake: Arc<Notify>,
    pub metrics: Metrics,
    /// How long revoked or stopping partitions may take to finish their batch before it is
    /// abandoned (its records are then read again by the next owner).
    pub drain_limit: Duration,
}

/// The running consumer. Stop it with [`Consumer::stop`]; dropping it also stops it, without
/// waiting.
pub struct Consumer {
    stop: Arc<AtomicBool>,
    stopped: Option<oneshot::Receiver<()>>,
}

impl Consumer {
    /// Joins the consumer group on `[kafka]`'s topics and starts consuming; `None` when Kafka is
    /// off or no topic is configured. Must run inside a tokio runtime: the partitions' tasks run
    /// on it.
    pub fn start(settings: &Settings, wiring: Wiring) -> Result<Option<Consumer>, ConsumeError> {
        let Some(kafka) = settings.kafka.as_ref().filter(|k| !k.topics.is_empty()) else {
            return Ok(None);
        };
        let dead_letter_topic = kafka
            .dead_letter_topic
            .as_deref()
            .ok_or(ConsumeError::NoDeadLetterTopic)?;
        let mut inputs = Vec::with_capacity(kafka.topics.len());
        for (name, topic) in &kafka.topics {
            let decoder = Decoder::for_topic(topic, &settings.sources).ok_or_else(|| {
                ConsumeError::UnknownSource {
                    topic: name.clone(),
                    source_name: topic.source.clone(),
                }
            })?;
            inputs.push(TopicInput {
                name: name.clone(),
                decoder,
                span_name: format!("process {name}"),
            });
        }
        let shared = Arc::new(Shared {
            store: wiring.store,
            clock: wiring.clock,
            intake: wiring.intake,
            metrics: wiring.metrics.clone(),
            dead_letters: DeadLetters::new(kafka, dead_letter_topic)?,
            group_id: kafka.group_id.clone(),
            progressed: AtomicBool::new(false),
            ended: AtomicBool::new(false),
        });
        let assignment = Assignment::new(
            inputs,
            shared,
            tokio::runtime::Handle::current(),
            wiring.drain_limit,
            usize::try_from(kafka.hold_back_kib.saturating_mul(1024)).unwrap_or(usize::MAX),
        );
        let topics: Vec<String> = assignment
            .topic_names()
            .into_iter()
            .map(str::to_owned)
            .collect();
        let context = ConsumeContext {
            assignment: Mutex::new(assignment),
            metrics: wiring.metrics,
        };
        let mut config = client::consumer(kafka)?;
        if config.get("statistics.interval.ms").is_none() {
            config.set("statistics.interval.ms", STATISTICS_INTERVAL_MS);
        }
        let consumer: BaseConsumer<ConsumeContext> = config
            .create_with_context(context)
            .map_err(ConsumeError::Client)?;
        let names: Vec<&str> = topics.iter().map(String::as_str).collect();
        consumer
            .subscribe(&names)
            .map_err(ConsumeError::Subscribe)?;
        tracing::info!(
            topics = names.join(","),
            group_id = kafka.group_id,
            "Kafka consumer joining its group"
        );
        warn_of_plaintext(kafka);

        let stop = Arc::new(AtomicBool::new(false));
        let (done, stopped) = oneshot::channel();
        let flag = stop.clone();
        std::thread::Builder::new()
            .name("kafka-consume".to_owned())
            .spawn(move || {
                run::poll_until_stopped(consumer, flag);
                let _ = done.send(());
            })
            .map_err(ConsumeError::Thread)?;
        Ok(Some(Consumer {
            stop,
            stopped: Some(stopped),
        }))
    }

    /// Stops fetching, lets the records in flight finish, commits the stored offsets
    /// synchronously and leaves the group; returns once all that is done.
    pub async fn stop(mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(stopped) = self.stopped.take() {
            // An error means the thread ended abnormally; there is nothing left to wait for.
            let _ = stopped.await;
        }
    }
}

impl Drop for Consumer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Release);
    }
}

/// Native topics read without TLS or authentication take commands from whoever reaches the
/// brokers: said once, at start-up.
fn warn_of_plaintext(kafka: &crate::config::KafkaConfig) {
    let plaintext = kafka.native_topics_in_plaintext();
    if !plaintext.is_empty() {
        tracing::warn!(
            topics = plaintext.join(","),
            "native command topics are read over PLAINTEXT: whoever reaches the brokers can produce commands; set kafka.properties.\"security.protocol\" to sasl_ssl or ssl, with ACLs on these topics, and [kafka.topics.NAME.allow]"
        );
    }
}
