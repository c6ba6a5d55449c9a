//! The broker the tests stand on answers like Kafka: a record with headers goes in and comes
//! back out, and a private broker restarted on its SQLite storage keeps what it had.

use std::time::Duration;

use super::broker::{self, PrivateBroker};

#[tokio::test]
async fn the_shared_broker_round_trips_a_record_with_headers() {
    let brokers = broker::shared();
    let topic = broker::unique_topic("smoke");
    broker::create_topic(&brokers, &topic, 1).await;
    let producer = broker::producer(&brokers);
    broker::send(&producer, &topic, "k", b"hello", &[("h", "v")]).await;
    let got = broker::read(&brokers, &topic, 1, Duration::from_secs(20)).await;
    assert_eq!(got.len(), 1, "the record came back");
    assert_eq!(rdkafka::Message::payload(&got[0]), Some(&b"hello"[..]));
    assert_eq!(broker::header(&got[0], "h").as_deref(), Some("v"));
}

#[tokio::test]
async fn a_private_broker_keeps_its_records_across_a_kill_and_restart() {
    let mut private = PrivateBroker::start();
    let topic = broker::unique_topic("restart");
    broker::create_topic(&private.addr(), &topic, 1).await;
    let producer = broker::producer(&private.addr());
    broker::send(&producer, &topic, "k", b"before", &[]).await;
    drop(producer);
    private.restart();
    let got = broker::read(&private.addr(), &topic, 1, Duration::from_secs(20)).await;
    assert_eq!(got.len(), 1, "the record survived the restart");
}
