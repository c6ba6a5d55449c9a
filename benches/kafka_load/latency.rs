//! Event-to-outcome latency: a plain producer sends partner signups at a steady rate; Gatehouse
//! consumes them, provisions each user in the simulated org (no injected latency) and publishes
//! the outcome; a plain consumer on the outcome topic notes when each subject's outcome arrives.
//! Latency counts from the moment a record was due to be sent, so a slow producer or a backlog
//! is not hidden.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use gatehouse::clock::SystemClock;
use gatehouse::config::Settings;
use gatehouse::startup::Application;
use rdkafka::ClientConfig;
use rdkafka::consumer::{Consumer, StreamConsumer};
use rdkafka::message::{Headers, Message};
use rdkafka::producer::FutureRecord;

use super::topic;

/// What the latency run measured.
pub struct Latency {
    pub sent: usize,
    pub received: usize,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

const PROVISION: &str = r#"
[[sources.partner-portal.rules]]
name = "partner signup"
when = "type == 'partner.user.signed_up'"
subject = "partner-portal:{{ data.user.id }}"
occurred_at = "{{ occurred_at }}"
[sources.partner-portal.rules.provision]
account = { key = "{{ data.partner_id }}" }
contact = { first_name = "{{ data.user.first_name }}", last_name = "{{ data.user.last_name }}", email = "{{ data.user.email }}" }
username = "{{ contact.email }}.bench"
profile = "Partner Community User"
welcome_email = "site-setting"
[mapping.defaults]
locale = "en_US"
time_zone = "GMT"
email_encoding = "UTF-8"
language = "en_US"
"#;

/// The default simulated org with enough partner licences for every user the run creates.
fn roomy_fixture(dir: &std::path::Path) -> anyhow::Result<std::path::PathBuf> {
    let default = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/sfsim/fixtures/default.toml"
    ))?;
    let roomy = default.replace("total = 50", "total = 1000000");
    let path = dir.join("org.toml");
    std::fs::write(&path, roomy)?;
    // The fixture names its connected app's certificate relative to itself.
    std::os::unix::fs::symlink(
        concat!(env!("CARGO_MANIFEST_DIR"), "/sfsim/fixtures/keys"),
        dir.join("keys"),
    )?;
    Ok(path)
}

fn settings(
    dir: &std::path::Path,
    brokers: &str,
    input: &str,
    outcomes: &str,
) -> anyhow::Result<Settings> {
    let fixture = roomy_fixture(dir)?;
    let extra = format!(
        "[salesforce]\norg = \"simulated\"\nfixture = \"{}\"\n[kafka.outcomes]\ntopic = \"{outcomes}\"\n{PROVISION}",
        fixture.display()
    );
    super::throughput::settings(dir, brokers, input, &extra)
}

/// When each subject's outcome arrived.
type Arrivals = Vec<(String, Instant)>;

/// Sends `rate` signups a second for `seconds` and waits for their outcomes.
pub async fn run(brokers: &str, rate: u64, seconds: u64) -> anyhow::Result<Latency> {
    let dir = tempfile::tempdir()?;
    let input = topic::create(brokers, "bench.latency", 3).await?;
    let outcomes = topic::create(brokers, "bench.outcomes", 3).await?;
    let settings = settings(dir.path(), brokers, &input, &outcomes)?;
    let app = Application::build(&settings, Arc::new(SystemClock)).await?;
    let shutdown = app.shutdown();
    let task = tokio::spawn(app.run_until_stopped());

    let reader = outcome_reader(brokers, &outcomes)?;
    let total = (rate * seconds) as usize;
    // Outcomes are noted as they arrive, while the producer is still sending. The first one
    // (the warm-up event's) says the pipeline is up: the consumer group joined, the org reached.
    let (up_tx, up_rx) = tokio::sync::oneshot::channel::<()>();
    let arrivals = tokio::spawn(note_arrivals(reader, total, seconds, up_tx));
    let mut due = send_signups(brokers, &input, rate, total, up_rx).await?;

    let mut latencies = Vec::with_capacity(total);
    for (subject, arrived) in arrivals.await? {
        if let Some(sent) = due.remove(&subject) {
            latencies.push(arrived.saturating_duration_since(sent));
        }
    }
    shutdown.stop().await;
    task.await??;
    Ok(summarise(total, latencies))
}

/// A plain consumer of the outcome topic, reading from its start.
fn outcome_reader(brokers: &str, outcomes: &str) -> anyhow::Result<StreamConsumer> {
    let reader: StreamConsumer = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("group.id", format!("bench-reader-{outcomes}"))
        .set("fetch.wait.max.ms", "10")
        .set("auto.offset.reset", "earliest")
        .create()?;
    reader.subscribe(&[outcomes])?;
    Ok(reader)
}

/// Notes when each subject's outcome arrives, until the warm-up and `total` outcomes came or
/// the run's time is up; `up` is told at the first one.
async fn note_arrivals(
    reader: StreamConsumer,
    total: usize,
    seconds: u64,
    up: tokio::sync::oneshot::Sender<()>,
) -> Arrivals {
    let mut up = Some(up);
    let mut arrived = Arrivals::with_capacity(total);
    let deadline = Instant::now() + Duration::from_secs(seconds + 120);
    while arrived.len() <= total && Instant::now() < deadline {
        let Ok(Ok(message)) = tokio::time::timeout(Duration::from_secs(5), reader.recv()).await
        else {
            continue;
        };
        let subject = message.headers().and_then(|headers| {
            headers
                .iter()
                .find(|h| h.key == "ce_subject")
                .and_then(|h| h.value)
                .map(|v| String::from_utf8_lossy(v).into_owned())
        });
        if let Some(subject) = subject {
            arrived.push((subject, Instant::now()));
            if let Some(up) = up.take() {
                let _ = up.send(());
            }
        }
    }
    arrived
}

/// Sends a warm-up event and waits until its outcome says the pipeline is up, then sends
/// `total` signups at `rate` a second. Returns when each subject's signup was due.
async fn send_signups(
    brokers: &str,
    input: &str,
    rate: u64,
    total: usize,
    up: tokio::sync::oneshot::Receiver<()>,
) -> anyhow::Result<HashMap<String, Instant>> {
    let producer = topic::producer(brokers)?;
    let run = input.rsplit('.').next().unwrap_or("run").to_owned();
    let interval = Duration::from_secs_f64(1.0 / rate.max(1) as f64);
    let mut due: HashMap<String, Instant> = HashMap::with_capacity(total);
    let warm_up = topic::signup(&run, usize::MAX);
    producer
        .send(
            FutureRecord::to(input).key("warm-up").payload(&warm_up),
            Duration::from_secs(30),
        )
        .await
        .map_err(|(e, _)| anyhow::Error::new(e).context("producing"))?;
    tokio::time::timeout(Duration::from_secs(60), up)
        .await
        .map_err(|_| anyhow::anyhow!("no outcome for the warm-up event within 60 s"))??;
    let start = Instant::now();
    for n in 0..total {
        let at = start + interval * n as u32;
        tokio::time::sleep_until(at.into()).await;
        let body = topic::signup(&run, n);
        let key = format!("{run}-{n}");
        due.insert(format!("partner-portal:{key}"), at);
        producer
            .send(
                FutureRecord::to(input).key(&key).payload(&body),
                Duration::from_secs(30),
            )
            .await
            .map_err(|(e, _)| anyhow::Error::new(e).context("producing"))?;
    }
    Ok(due)
}

/// Percentiles of the measured latencies, in milliseconds.
fn summarise(sent: usize, mut latencies: Vec<Duration>) -> Latency {
    latencies.sort_unstable();
    let pick = |q: f64| {
        latencies
            .get(((latencies.len().max(1) - 1) as f64 * q).round() as usize)
            .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    Latency {
        sent,
        received: latencies.len(),
        p50_ms: pick(0.5),
        p99_ms: pick(0.99),
        max_ms: pick(1.0),
    }
}
