//! A second Gatehouse joining the consumer group: the first one's partitions drain and commit
//! before they move, so every record is taken in by exactly one of the two.
//!
//! Each instance keeps its own store, so a record both of them took would show up as an inbox
//! event in each: the stores together must hold every record once. Offsets are committed only
//! on revocation and stop (the commit interval is an hour), so without the drain-and-commit the
//! second instance would read the first one's records again.

use std::collections::BTreeSet;

use sfsim::{SimConfig, SimServer};

use super::broker;
use super::inbound::{Inbound, Topics, partners, produce_signups, provisioned};
use crate::scenarios::OrgChoice;
use crate::support::stored_events;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_consumer_joining_the_group_loses_nothing_and_duplicates_nothing() {
    let topics = Topics::create(&broker::shared(), 4).await;
    let org = SimServer::start(SimConfig::default())
        .await
        .expect("the org starts");
    let remote = OrgChoice::Remote(org.login_url.clone());
    let hourly = "commit_interval_ms = 3600000";
    let first = Inbound::start(&topics, remote.clone(), hourly).await;
    let people = partners("kg", 24);
    let (early, late) = people.split_at(12);
    let producer = broker::producer(&topics.brokers);
    produce_signups(&producer, &topics.input, early).await;
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(120);
    while stored_events(&first.app.store).await.is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the first consumed nothing"
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }

    let second = Inbound::start(&topics, remote, hourly).await;
    produce_signups(&producer, &topics.input, late).await;
    provisioned(&first.org, &people).await;
    // Both stores together hold every record: wait for that, then stop both (which commits).
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(120);
    loop {
        let held = stored_events(&first.app.store).await.len()
            + stored_events(&second.app.store).await.len();
        if held >= people.len() {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{held} records held"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let (first_store, second_store) = (first.app.store.clone(), second.app.store.clone());
    first.app.stop().await;
    second.app.stop().await;

    let a = stored_events(&first_store).await;
    let b = stored_events(&second_store).await;
    assert!(!b.is_empty(), "the second instance took partitions over");
    assert_eq!(a.len() + b.len(), people.len(), "no record taken twice");
    let keys: BTreeSet<&str> = a.iter().chain(&b).map(|e| e.dedupe_key.as_str()).collect();
    assert_eq!(keys.len(), people.len(), "every record taken once");
}
