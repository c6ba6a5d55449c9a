//! Records produced by a plain Kafka client become people in the org, as webhooks do; a source
//! fed only by Kafka needs no signature scheme and takes no webhooks.

use crate::on_both_stores;
use gatehouse::config::Settings;
use gatehouse::store::InboxStatus;

use super::broker;
use super::inbound::{Inbound, Topics, partners, produce_signups, welcome_emails};
use crate::support::Org;
use crate::support::{TestApp, problem, stored_events};

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";

on_both_stores! {
    async fn signups_produced_to_a_topic_are_provisioned_in_the_org() {
        let topics = Topics::create(&broker::shared(), 3).await;
        let gatehouse = Inbound::start(&topics, Org::Simulated, "").await;
        let people = partners("kc", 6);
        let producer = broker::producer(&topics.brokers);
        produce_signups(&producer, &topics.input, &people).await;

        gatehouse.provisioned(&people).await;
        let events = gatehouse.inbox(people.len()).await;
        for event in &events {
            assert_eq!(event.source, "partner-portal");
            assert_eq!(event.content_type, "application/json");
            assert!(
                event.source_time.is_some(),
                "the source's event_time applies"
            );
        }
        assert_eq!(
            welcome_emails(&gatehouse.org).await,
            people.len(),
            "one welcome email each"
        );
        gatehouse.app.stop().await;
    }
}

on_both_stores! {
    async fn a_records_traceparent_is_kept_so_its_commands_join_the_producers_trace() {
        let topics = Topics::create(&broker::shared(), 1).await;
        let gatehouse = Inbound::start(&topics, Org::Simulated, "").await;
        let people = partners("kt", 1);
        let producer = broker::producer(&topics.brokers);
        let traceparent = format!("00-{TRACE_ID}-00f067aa0ba902b7-01");
        broker::send(
            &producer,
            &topics.input,
            &people[0].id,
            &crate::kafka::inbound::signup(&people[0], chrono::Utc::now()),
            &[("traceparent", &traceparent)],
        )
        .await;

        let events = gatehouse.inbox(1).await;
        let kept = events[0].traceparent.as_deref().expect("a trace context");
        assert!(
            kept.starts_with(&format!("00-{TRACE_ID}-")),
            "the producer's trace continues: {kept}"
        );
        gatehouse.provisioned(&people).await;
        gatehouse.app.stop().await;
    }
}

/// A source that only a topic feeds: no verification, no rules (so its events stay unmapped).
const HR_FEED: &str = r#"
[sources.hr-feed]
description = "HR events, published to Kafka only"
"#;

on_both_stores! {
    async fn a_source_fed_only_by_kafka_takes_records_but_refuses_webhooks() {
        let topics = Topics::create(&broker::shared(), 1).await;
        let app = TestApp::builder()
            .config(HR_FEED)
            .kafka(&topics.kafka_toml("hr-feed", ""))
            .spawn()
            .await;

        let refused = app.webhook("hr-feed").body("{}").send().await.unwrap();
        assert_eq!(refused.status(), 404);
        let body = problem(refused).await;
        assert_eq!(body["reason"], "no_webhooks");
        assert!(
            body["detail"]
                .as_str()
                .is_some_and(|d| d.contains("sources.hr-feed.verification")),
            "says how to fix it: {body}"
        );
        assert!(stored_events(&app.store).await.is_empty(), "nothing stored");

        // A record no rule maps is kept in the inbox with the reason, for replay.
        let producer = broker::producer(&topics.brokers);
        broker::send(
            &producer,
            &topics.input,
            "e-1",
            br#"{"type":"employee.hired","id":"e-1"}"#,
            &[],
        )
        .await;
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(120);
        let event = loop {
            let events = stored_events(&app.store).await;
            if let Some(event) = events
                .into_iter()
                .find(|e| e.status == InboxStatus::Unmapped)
            {
                break event;
            }
            assert!(tokio::time::Instant::now() < deadline, "never unmapped");
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        };
        assert_eq!(event.source, "hr-feed");
        assert!(event.reason.is_some(), "kept with the reason");
        app.stop().await;
    }
}

#[test]
fn a_source_with_neither_verification_nor_a_topic_is_refused_naming_the_key() {
    let text = format!("{}\n{HR_FEED}", crate::support::config(""));
    let error = Settings::from_toml(&text).expect_err("no way in for hr-feed");
    let problem = error
        .problems
        .iter()
        .find(|p| p.key == "sources.hr-feed.verification")
        .unwrap_or_else(|| panic!("no problem names the key: {error}"));
    assert!(
        problem.message.contains("[kafka.topics."),
        "says how to fix it: {}",
        problem.message
    );
}

#[test]
fn the_kafka_example_config_is_valid() {
    let text = std::fs::read_to_string("examples/kafka.toml").unwrap();
    let settings = Settings::from_toml(&text).unwrap_or_else(|e| panic!("{e}"));
    let kafka = settings.kafka.expect("a [kafka] table");
    assert_eq!(
        kafka.topics["partner-portal.events"].source,
        "partner-portal"
    );
    assert!(settings.sources["partner-portal"].verification.is_none());
}
