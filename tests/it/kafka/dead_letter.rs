//! A record that cannot be decoded goes to the dead-letter topic, unchanged and with headers
//! saying why and where it came from, and the records behind it in its partition are still
//! handled; the consumer's metrics say so.

use crate::on_both_stores;
use std::time::Duration;

use rdkafka::Message;

use super::broker;
use super::inbound::{Inbound, Topics, partners, signup};
use crate::support::Org;

on_both_stores! {
    async fn a_poison_record_goes_to_the_dead_letter_topic_and_its_partition_moves_on() {
        let topics = Topics::create(&broker::shared(), 1).await;
        let gatehouse = Inbound::start(&topics, Org::Simulated, "").await;
        let ada = &partners("kd", 1)[0];
        let producer = broker::producer(&topics.brokers);
        let poison = br#"{"type":"partner.user.signed_up","data":"#;
        broker::send(
            &producer,
            &topics.input,
            "broken-key",
            poison,
            &[
                ("origin", "portal-batch-7"),
                ("content-type", "application/json"),
            ],
        )
        .await;
        broker::send(
            &producer,
            &topics.input,
            &ada.id,
            &signup(ada, chrono::Utc::now()),
            &[],
        )
        .await;

        // The record behind the poison one, in the same partition, is provisioned.
        gatehouse.provisioned(std::slice::from_ref(ada)).await;
        gatehouse.inbox(1).await;

        let copies = broker::read(
            &topics.brokers,
            &topics.dead_letters,
            1,
            Duration::from_secs(60),
        )
        .await;
        assert_eq!(copies.len(), 1, "one copy on the dead-letter topic");
        let copy = &copies[0];
        assert_eq!(copy.key(), Some(&b"broken-key"[..]), "the original key");
        assert_eq!(copy.payload(), Some(&poison[..]), "the original payload");
        let header = |name| broker::header(copy, name);
        assert_eq!(header("origin").as_deref(), Some("portal-batch-7"));
        assert_eq!(header("content-type").as_deref(), Some("application/json"));
        assert_eq!(
            header("gatehouse-dlq-reason").as_deref(),
            Some("malformed_json")
        );
        assert_eq!(
            header("gatehouse-dlq-topic").as_deref(),
            Some(topics.input.as_str())
        );
        assert_eq!(header("gatehouse-dlq-partition").as_deref(), Some("0"));
        assert_eq!(header("gatehouse-dlq-offset").as_deref(), Some("0"));
        assert_eq!(
            header("gatehouse-dlq-source").as_deref(),
            Some("partner-portal")
        );
        assert!(
            header("gatehouse-dlq-detail").is_some_and(|d| d.contains("not valid JSON")),
            "the detail says what is wrong"
        );

        // Both offsets are stored, the poison one counted as dead-lettered, and the partition's
        // lag comes down to nothing left.
        let input = topics.input.as_str();
        let metrics = gatehouse
            .metrics_until("both records handled and no lag", |m| {
                m.value(
                    "gatehouse_kafka_records_consumed_total",
                    &[("topic", input)],
                ) == Some(2.0)
                    && m.value(
                        "gatehouse_kafka_consumer_lag",
                        &[("topic", input), ("partition", "0")],
                    ) == Some(0.0)
            })
            .await;
        assert_eq!(
            metrics.value(
                "gatehouse_kafka_records_dead_lettered_total",
                &[("topic", input), ("reason", "malformed_json")]
            ),
            Some(1.0)
        );
        gatehouse.app.stop().await;
    }
}
