//! A record's trace: the `kafka.consume` span continues the producer's `traceparent`, carries
//! the OpenTelemetry messaging attributes, and is the parent of the mapping and the command.

use opentelemetry_proto::tonic::trace::v1::Span;
use opentelemetry_proto::tonic::trace::v1::span::SpanKind;

use super::broker;
use super::inbound::{Topics, partners, signup};
use crate::scenarios::{Setup, scenario_app};
use crate::telemetry::traces::{attribute, hex, receiver};

const TRACE_ID: &str = "0af7651916cd43dd8448eb211c80319c";
const PRODUCER_SPAN: &str = "b7ad6b7169203331";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_records_consume_span_joins_the_producers_trace_and_parents_its_command() {
    let (port, received, otlp) = receiver();
    let topics = Topics::create(&broker::shared(), 1).await;
    let endpoint = format!("http://127.0.0.1:{port}");
    let served = scenario_app(&Setup::default())
        .kafka(&topics.kafka_toml("partner-portal", ""))
        .otlp(&endpoint, "http/protobuf")
        .serve();
    served.ready().await;
    let ada = &partners("ktr", 1)[0];
    let producer = broker::producer(&topics.brokers);
    broker::send(
        &producer,
        &topics.input,
        &ada.id,
        &signup(ada, chrono::Utc::now()),
        &[("traceparent", &format!("00-{TRACE_ID}-{PRODUCER_SPAN}-01"))],
    )
    .await;
    served
        .wait_for_log("\"message\":\"command finished\"", 1)
        .await;
    // Stopping flushes the spans still buffered.
    let (status, _) = served.stop();
    assert!(status.success());
    otlp.stop(true).await;

    let spans = received.0.lock().clone();
    let named = |name: &str| -> Vec<&Span> { spans.iter().filter(|s| s.name == name).collect() };
    let consume = named(&format!("process {}", topics.input));
    assert_eq!(
        consume.len(),
        1,
        "{:#?}",
        spans.iter().map(|s| &s.name).collect::<Vec<_>>()
    );
    let consume = consume[0];
    assert_eq!(hex(&consume.trace_id), TRACE_ID);
    assert_eq!(
        hex(&consume.parent_span_id),
        PRODUCER_SPAN,
        "child of the producer's span"
    );
    assert_eq!(consume.kind, SpanKind::Consumer as i32);
    for (key, value) in [
        ("messaging.system", "kafka"),
        ("messaging.destination.name", topics.input.as_str()),
        ("messaging.kafka.destination.partition", "0"),
        ("messaging.kafka.offset", "0"),
        ("messaging.consumer.group.name", topics.group.as_str()),
        ("messaging.operation.type", "process"),
        ("source", "partner-portal"),
    ] {
        assert_eq!(attribute(consume, key).as_deref(), Some(value), "{key}");
    }

    let mapping = named("mapping");
    assert_eq!(mapping.len(), 1);
    assert_eq!(mapping[0].parent_span_id, consume.span_id);
    let command = named("command provision");
    assert_eq!(command.len(), 1);
    assert_eq!(hex(&command[0].trace_id), TRACE_ID);
    assert_eq!(
        command[0].parent_span_id, consume.span_id,
        "the command is a child of the consume span"
    );
}
