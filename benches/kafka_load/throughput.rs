//! Consume-to-inbox throughput: a bare rdkafka consumer counting records, then Gatehouse's
//! consumer writing each record durably into the inbox, both reading the same filled topic.
//!
//! Both are timed from the first record seen to the last, so the consumer group's join time
//! (the same for both) does not dilute the rates.

use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::cpu::process_cpu_seconds;
use gatehouse::clock::SystemClock;
use gatehouse::config::Settings;
use gatehouse::startup::Application;
use rdkafka::ClientConfig;
use rdkafka::consumer::{Consumer, StreamConsumer};

/// What one consumer did.
pub struct Run {
    pub events: usize,
    pub seconds: f64,
    /// Inbox transactions that wrote them (none for the bare consumer).
    pub commits: u64,
    /// CPU time this process spent meanwhile, all threads (the broker's own is not counted).
    pub cpu_seconds: f64,
}

impl Run {
    pub fn rate(&self) -> f64 {
        self.events as f64 / self.seconds.max(1e-9)
    }

    /// Microseconds of this process's CPU per event.
    pub fn cpu_per_event_us(&self) -> f64 {
        self.cpu_seconds * 1e6 / self.events.max(1) as f64
    }
}

/// A bare consumer in a fresh group, reading `events` records and doing nothing with them.
pub async fn bare(brokers: &str, topic: &str, events: usize) -> anyhow::Result<Run> {
    let consumer: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", format!("bench-bare-{topic}"))
        .set("auto.offset.reset", "earliest")
        .set("enable.auto.commit", "false")
        .create()?;
    consumer.subscribe(&[topic])?;
    let mut seen = 0usize;
    let mut first = None;
    while seen < events {
        let message = tokio::time::timeout(Duration::from_secs(60), consumer.recv())
            .await
            .map_err(|_| anyhow::anyhow!("the bare consumer got {seen} of {events} records"))??;
        let _ = std::hint::black_box(message);
        first.get_or_insert_with(|| (Instant::now(), process_cpu_seconds()));
        seen += 1;
    }
    let (seconds, cpu_seconds) = first.map_or((0.0, 0.0), |(time, cpu)| {
        (time.elapsed().as_secs_f64(), process_cpu_seconds() - cpu)
    });
    Ok(Run {
        events,
        seconds,
        commits: 0,
        cpu_seconds,
    })
}

/// The service's configuration for a run: a partner-portal source fed by `topic`, plus `extra`
/// TOML (the org, the rules, further `[kafka.*]` tables).
pub fn settings(
    dir: &std::path::Path,
    brokers: &str,
    topic: &str,
    extra: &str,
) -> anyhow::Result<Settings> {
    let config = format!(
        r#"
[service]
listen = "127.0.0.1:0"
[store]
kind = "sqlite"
path = "{db}"
# As docs/kafka.md recommends with Kafka: a transaction can take a consumer's whole batch.
max_batch = 2000
[log]
level = "warn"
[kafka]
brokers = "{brokers}"
group_id = "bench-gatehouse-{topic}"
dead_letter_topic = "{topic}.dead-letter"
[kafka.properties]
# tansu answers a fetch only when its wait is over, however soon records arrive; Kafka answers as
# soon as there are records. A short wait keeps the broker's habit out of the figures.
"fetch.wait.max.ms" = "10"
[kafka.topics."{topic}"]
source = "partner-portal"
[sources.partner-portal]
event_id = {{ json_pointer = "/id" }}
event_time = {{ json_pointer = "/occurred_at" }}
[sources.partner-portal.verification]
scheme = "standard-webhooks"
secrets = [{{ secret = "whsec_7sfXlE4lU7UJz/2TPJizP0xlkJodFR6e" }}]
{extra}
"#,
        db = dir.join("gatehouse.db").display(),
    );
    Ok(Settings::from_toml(&config)?)
}

/// Rules that ignore every event: the intake does its usual read and write per event, but the
/// org is not asked to create tens of thousands of users while the inbox is timed.
const IGNORE_ALL: &str = r#"
[salesforce]
org = "simulated"
[[sources.partner-portal.rules]]
name = "timed elsewhere"
ignore = "the benchmark times the inbox only"
"#;

/// Gatehouse's consumer, timed by the inbox filling up.
pub async fn gatehouse(brokers: &str, topic: &str, events: usize) -> anyhow::Result<Run> {
    let dir = tempfile::tempdir()?;
    let settings = settings(dir.path(), brokers, topic, IGNORE_ALL)?;
    let app = Application::build(&settings, Arc::new(SystemClock)).await?;
    let store = app.store();
    let shutdown = app.shutdown();
    let task = tokio::spawn(app.run_until_stopped());
    let deadline = Instant::now() + Duration::from_secs(600);
    let mut first = None;
    let mut stored = 0;
    while stored < events as u64 {
        if Instant::now() > deadline {
            anyhow::bail!("the inbox holds {stored} of {events} events after 10 minutes");
        }
        // The writer's own counter: counting rows would put a query beside the work timed.
        let stats = store.stats();
        stored = stats.events - stats.duplicates;
        if stored > 0 {
            first.get_or_insert_with(|| (Instant::now(), process_cpu_seconds()));
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let (seconds, cpu_seconds) = first.map_or((0.0, 0.0), |(time, cpu)| {
        (time.elapsed().as_secs_f64(), process_cpu_seconds() - cpu)
    });
    let commits = store.stats().batches;
    shutdown.stop().await;
    task.await??;
    Ok(Run {
        events,
        seconds,
        commits,
        cpu_seconds,
    })
}
