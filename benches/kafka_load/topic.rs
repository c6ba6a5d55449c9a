//! The events the benchmark reads: partner signups, one subject each, as the quick start's
//! partner-portal rules expect them.

use std::time::Duration;

use rdkafka::ClientConfig;
use rdkafka::admin::{AdminClient, AdminOptions, NewTopic, TopicReplication};
use rdkafka::client::DefaultClientContext;
use rdkafka::producer::{FutureProducer, FutureRecord};

/// A partner signup for user `n`, happening now.
pub fn signup(run: &str, n: usize) -> Vec<u8> {
    serde_json::json!({
        "type": "partner.user.signed_up",
        "id": format!("evt-{run}-{n}"),
        "occurred_at": chrono::Utc::now().to_rfc3339(),
        "data": {
            "partner_id": "P-100",
            "user": {
                "id": format!("{run}-{n}"),
                "email": format!("user{n}.{run}@partner.example"),
                "first_name": "Bench",
                "last_name": format!("User{n}")
            }
        }
    })
    .to_string()
    .into_bytes()
}

/// Creates a topic with a name no earlier run used.
pub async fn create(brokers: &str, prefix: &str, partitions: i32) -> anyhow::Result<String> {
    let name = format!("{prefix}.{}", chrono::Utc::now().timestamp_millis());
    let admin: AdminClient<DefaultClientContext> = ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .create()?;
    for result in admin
        .create_topics(
            &[NewTopic::new(&name, partitions, TopicReplication::Fixed(1))],
            &AdminOptions::new().operation_timeout(Some(Duration::from_secs(10))),
        )
        .await?
    {
        result.map_err(|(topic, code)| anyhow::anyhow!("creating {topic}: {code:?}"))?;
    }
    Ok(name)
}

/// A producer as any Kafka user would write one.
pub fn producer(brokers: &str) -> anyhow::Result<FutureProducer> {
    Ok(ClientConfig::new()
        .set("bootstrap.servers", brokers)
        .set("linger.ms", "5")
        .set("message.timeout.ms", "30000")
        .create()?)
}

/// Creates a topic and fills it with `events` signups, waiting for every acknowledgement.
pub async fn fill(brokers: &str, events: usize, partitions: i32) -> anyhow::Result<String> {
    let topic = create(brokers, "bench.signups", partitions).await?;
    let producer = producer(brokers)?;
    let run = topic.rsplit('.').next().unwrap_or("run").to_owned();
    let mut pending = Vec::with_capacity(1024);
    for n in 0..events {
        let body = signup(&run, n);
        let key = format!("{run}-{n}");
        pending.push(async {
            let (topic, body, key) = (&topic, body, key);
            producer
                .send(
                    FutureRecord::to(topic).key(&key).payload(&body),
                    Duration::from_secs(30),
                )
                .await
                .map_err(|(e, _)| anyhow::Error::new(e).context("producing"))
        });
        if pending.len() == 1024 {
            for result in futures::future::join_all(pending.drain(..)).await {
                result?;
            }
        }
    }
    for result in futures::future::join_all(pending).await {
        result?;
    }
    println!("filled {topic} with {events} events");
    Ok(topic)
}
