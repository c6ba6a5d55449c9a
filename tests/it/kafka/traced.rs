//! With traces exported, the publish of an outcome is a `kafka.produce` span in the trace of
//! the webhook that caused it, and the record's `traceparent` names that span, so a consumer
//! continues the same trace.

use std::time::Duration;

use opentelemetry_proto::tonic::trace::v1::Span;
use opentelemetry_proto::tonic::trace::v1::span::SpanKind;

use super::broker;
use crate::telemetry::harness::{ADA, delivery, served_scenario};
use crate::telemetry::traces::{attribute, hex, receiver};

const TRACE_ID: &str = "5c1e9a7f0b3d4e2f8a6b4c2d1e0f9a8b";
const SENDER_SPAN: &str = "a1b2c3d4e5f60718";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_publish_is_a_kafka_produce_span_in_the_webhooks_trace_named_by_the_records_traceparent()
 {
    let brokers = broker::shared();
    let topic = broker::unique_topic("outcomes.traced");
    broker::create_topic(&brokers, &topic, 1).await;
    let (port, received, otlp) = receiver();
    let endpoint = format!("http://127.0.0.1:{port}");
    // The outcome topic as a deployment sets it: through the environment.
    let served = served_scenario()
        .otlp(&endpoint, "http/protobuf")
        .env("GATEHOUSE_KAFKA__BROKERS", &brokers)
        .env("GATEHOUSE_KAFKA__OUTCOMES__TOPIC", &topic)
        .serve();
    let client = reqwest::Client::new();
    let now = chrono::Utc::now();
    let answer = delivery(&client, &served.base, "msg_k1", &ADA.signed_up(now), now)
        .header("traceparent", format!("00-{TRACE_ID}-{SENDER_SPAN}-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 202);
    let records = broker::read(&brokers, &topic, 1, Duration::from_secs(60)).await;
    assert_eq!(
        records.len(),
        1,
        "the outcome was published: {}",
        served.log()
    );
    let (status, log) = served.stop();
    assert!(status.success(), "{log}");
    otlp.stop(true).await;

    let spans = received.0.lock().clone();
    let named = |name: &str| -> Vec<&Span> { spans.iter().filter(|s| s.name == name).collect() };
    let ingress = named("POST /v1/webhooks/{source}");
    assert_eq!(ingress.len(), 1);
    let produce = named("kafka.produce");
    assert_eq!(
        produce.len(),
        1,
        "{:#?}",
        spans.iter().map(|s| &s.name).collect::<Vec<_>>()
    );
    let produce = produce[0];
    assert_eq!(hex(&produce.trace_id), TRACE_ID, "the webhook's trace");
    assert_eq!(
        produce.parent_span_id, ingress[0].span_id,
        "a child of the context the outcome was caused in"
    );
    assert_eq!(produce.kind, SpanKind::Producer as i32);
    let ce_id = broker::header(&records[0], "ce_id").unwrap();
    for (key, value) in [
        ("messaging.system", "kafka"),
        ("messaging.operation.type", "send"),
        ("messaging.destination.name", topic.as_str()),
        ("messaging.kafka.message.key", "partner-portal:u-7001"),
        ("messaging.message.id", ce_id.as_str()),
        ("messaging.destination.partition.id", "0"),
    ] {
        assert_eq!(attribute(produce, key).as_deref(), Some(value), "{key}");
    }
    assert_eq!(
        broker::header(&records[0], "traceparent"),
        Some(format!("00-{TRACE_ID}-{}-01", hex(&produce.span_id))),
        "the record names the produce span"
    );
}
