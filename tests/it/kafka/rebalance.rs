//! A second Gatehouse joining the consumer group: the first one's partitions drain and commit
//! before they move, so every record is taken in by exactly one of the two.
//!
//! Each instance keeps its own store, so a record both of them took would show up as an inbox
//! event in each: the stores together must hold every record once. Offsets are committed only
//! on revocation and stop (the commit interval is an hour), so without the drain-and-commit the
//! second instance would read the first one's records again.

use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rdkafka::producer::{FutureProducer, FutureRecord};
use serde_json::json;
use sfsim::{SimConfig, SimServer};

use super::broker;
use super::inbound::{Inbound, Topics, all_events, partners, provisioned, signup};
use crate::scenarios::Partner;
use crate::support::Org;

const PARTITIONS: i32 = 4;

/// The inbox of a stopped instance, read from its store's file.
async fn events_in(dir: &tempfile::TempDir) -> Vec<gatehouse::store::InboxEvent> {
    let store = gatehouse::store::Store::open_sqlite(
        &dir.path().join("test.db"),
        gatehouse::store::SqliteOptions::default(),
    )
    .await
    .expect("the store opens");
    let events = all_events(&store).await;
    store.close().await;
    events
}

/// Produces each record to the partition `n % 4` of its position.
async fn produce_spread(producer: &FutureProducer, topic: &str, records: &[(String, Vec<u8>)]) {
    for (n, (key, payload)) in records.iter().enumerate() {
        producer
            .send(
                FutureRecord::to(topic)
                    .partition((n % PARTITIONS as usize) as i32)
                    .key(key)
                    .payload(payload),
                Duration::from_secs(10),
            )
            .await
            .unwrap_or_else(|(e, _)| panic!("producing to {topic}: {e}"));
    }
}

fn signups(people: &[Partner]) -> Vec<(String, Vec<u8>)> {
    let at = chrono::Utc::now();
    people
        .iter()
        .map(|p| (p.id.clone(), signup(p, at)))
        .collect()
}

/// Portal events no rule maps (page views): inbox work without Salesforce work, to keep the
/// first instance busy while the group rebalances.
fn page_views(from: usize, count: usize) -> Vec<(String, Vec<u8>)> {
    (from..from + count)
        .map(|n| {
            let body = json!({"type": "partner.user.viewed_page", "seq": n});
            (format!("view-{n}"), body.to_string().into_bytes())
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_consumer_joining_the_group_loses_nothing_and_duplicates_nothing() {
    let topics = Topics::create(&broker::shared(), PARTITIONS).await;
    let org = SimServer::start(SimConfig::default())
        .await
        .expect("the org starts");
    let remote = Org::Remote(org.login_url.clone());
    let hourly = "commit_interval_ms = 3600000";
    let first = Inbound::start(&topics, remote.clone(), hourly).await;
    let people = partners("kg", 24);
    let (early, late) = people.split_at(12);
    let producer = broker::producer(&topics.brokers);
    produce_spread(&producer, &topics.input, &signups(early)).await;
    first.inbox(early.len()).await;

    // Records keep coming while the second instance joins, so the first one has records in
    // flight when its partitions are revoked.
    let joined = Arc::new(AtomicBool::new(false));
    let stream = {
        let (producer, topic, joined) = (producer.clone(), topics.input.clone(), joined.clone());
        tokio::spawn(async move {
            let mut sent = 0;
            while !joined.load(Ordering::Acquire) {
                produce_spread(&producer, &topic, &page_views(sent, 40)).await;
                sent += 40;
            }
            sent
        })
    };
    let second = Inbound::start(&topics, remote, hourly).await;
    let input = topics.input.as_str();
    second
        .metrics_until("the second instance holding partitions", |m| {
            m.value("gatehouse_kafka_consumer_lag", &[("topic", input)])
                .is_some()
        })
        .await;
    joined.store(true, Ordering::Release);
    let views = stream.await.expect("the producing task");
    produce_spread(&producer, &topics.input, &signups(late)).await;
    provisioned(&first.org, &people).await;

    // Both stores together hold every record: wait for that, then stop both (which commits).
    let records = people.len() + views;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    loop {
        let held =
            all_events(&first.app.store).await.len() + all_events(&second.app.store).await.len();
        if held >= records {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{held} of {records} records held"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (first_dir, second_dir) = (first.app.store_dir(), second.app.store_dir());
    first.app.stop().await;
    second.app.stop().await;

    let a = events_in(&first_dir).await;
    let b = events_in(&second_dir).await;
    assert!(!b.is_empty(), "the second instance took partitions over");
    assert_eq!(a.len() + b.len(), records, "no record taken twice");
    let keys: BTreeSet<&str> = a.iter().chain(&b).map(|e| e.dedupe_key.as_str()).collect();
    assert_eq!(keys.len(), records, "every record taken once");
}
