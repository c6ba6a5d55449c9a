//! A burst larger than a partition holds in memory (its channel, and the bytes held back beyond
//! it): the partition is paused while its task catches up, and every record still enters the
//! inbox once, in the partition's order.

use crate::on_both_stores;
use std::time::Duration;

use futures::future::join_all;
use rdkafka::producer::{FutureProducer, FutureRecord};
use serde_json::{Value, json};

use super::broker;
use super::inbound::{Inbound, Topics};
use crate::support::Org;

const BURST: usize = 12_000;
/// Padding per record: 12,000 records of 1 KiB are 12 MiB, far more than the channel's 4,000
/// records and the 64 KiB the partition may hold back beyond them here.
const PADDING: usize = 1024;

on_both_stores! {
    async fn a_burst_larger_than_a_partitions_channel_enters_the_inbox_whole_and_in_order() {
        let topics = Topics::create(&broker::shared(), 1).await;
        // Idempotent, so the broker keeps the records in the order they were sent.
        let producer: FutureProducer = broker::client(&topics.brokers)
            .set("enable.idempotence", "true")
            .set("linger.ms", "20")
            .create()
            .expect("producer");
        let bodies: Vec<Vec<u8>> = (0..BURST)
            .map(|seq| {
                json!({"type": "partner.user.viewed_page", "seq": seq, "padding": "x".repeat(PADDING)})
                    .to_string()
                    .into_bytes()
            })
            .collect();
        let sent = join_all(bodies.iter().map(|body| {
            producer.send(
                FutureRecord::to(&topics.input).key("burst").payload(body),
                Duration::from_secs(30),
            )
        }))
        .await;
        assert!(sent.iter().all(Result::is_ok), "every record produced");

        // Started once the burst waits in the topic, so it arrives all at once.
        let gatehouse = Inbound::start(&topics, Org::Simulated, "hold_back_kib = 64").await;
        let events = gatehouse.inbox(BURST).await;
        let order: Vec<u64> = events
            .iter()
            .map(|e| {
                let body: Value = serde_json::from_slice(&e.body).expect("JSON");
                body["seq"].as_u64().expect("seq")
            })
            .collect();
        let expected: Vec<u64> = (0..BURST as u64).collect();
        let first_out = order.iter().zip(&expected).position(|(a, b)| a != b);
        assert!(
            first_out.is_none(),
            "the inbox kept the partition's order; it differs from position {first_out:?}: {:?}",
            first_out.map(|at| &order[at.saturating_sub(3)..(at + 10).min(BURST)])
        );
        // The partition was paused at least once on the way: the limit held, nothing was lost.
        let input = topics.input.as_str();
        gatehouse
            .metrics_until("the partition paused while its task caught up", |m| {
                m.value(
                    "gatehouse_kafka_partition_pauses_total",
                    &[("topic", input)],
                )
                .is_some_and(|pauses| pauses >= 1.0)
            })
            .await;
        gatehouse.app.stop().await;
    }
}
