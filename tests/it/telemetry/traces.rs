//! Traces of the real binary, received by an OTLP/HTTP receiver in the test: one trace from
//! the sender's `traceparent` through ingress, mapping and the command to every Salesforce
//! call.

use std::sync::Arc;

use actix_web::{App, HttpResponse, HttpServer, web};
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::any_value;
use opentelemetry_proto::tonic::trace::v1::Span;
use parking_lot::Mutex;
use prost::Message;

use super::harness::{ADA, NO_PREFLIGHT, Served, delivery, served_scenario};

const TRACE_ID: &str = "4bf92f3577b34da6a3ce929d0e0e4736";
const SENDER_SPAN: &str = "00f067aa0ba902b7";

/// Spans as the receiver got them.
#[derive(Clone, Default)]
pub struct Received(pub Arc<Mutex<Vec<Span>>>);

async fn export(body: web::Bytes, received: web::Data<Received>) -> HttpResponse {
    match ExportTraceServiceRequest::decode(body) {
        Ok(request) => {
            let spans = request
                .resource_spans
                .into_iter()
                .flat_map(|r| r.scope_spans)
                .flat_map(|s| s.spans);
            received.0.lock().extend(spans);
            HttpResponse::Ok()
                .content_type("application/x-protobuf")
                .finish()
        }
        Err(e) => HttpResponse::BadRequest().body(e.to_string()),
    }
}

/// An OTLP/HTTP receiver on port 0: `POST /v1/traces` with protobuf bodies (and `POST
/// /outcomes`, an outcome webhook subscriber that takes every delivery).
pub fn receiver() -> (u16, Received, actix_web::dev::ServerHandle) {
    let received = Received::default();
    let data = web::Data::new(received.clone());
    let server = HttpServer::new(move || {
        App::new()
            .app_data(data.clone())
            .route("/v1/traces", web::post().to(export))
            // Outcome webhooks of the scenario, taken and forgotten.
            .route("/outcomes", web::post().to(HttpResponse::NoContent))
    })
    .workers(1)
    .disable_signals()
    .bind(("127.0.0.1", 0))
    .unwrap();
    let port = server.addrs()[0].port();
    let server = server.run();
    let handle = server.handle();
    tokio::spawn(server);
    (port, received, handle)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn attribute(span: &Span, key: &str) -> Option<String> {
    let value = span
        .attributes
        .iter()
        .find(|a| a.key == key)?
        .value
        .as_ref()?;
    match value.value.as_ref()? {
        any_value::Value::StringValue(s) => Some(s.clone()),
        any_value::Value::IntValue(i) => Some(i.to_string()),
        other => Some(format!("{other:?}")),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_trace_runs_from_the_webhook_through_the_command_to_every_salesforce_call() {
    let (port, received, receiver) = receiver();
    let endpoint = format!("http://127.0.0.1:{port}");
    // The start-up preflight's calls are a trace of their own; this one follows a webhook.
    let served = served_scenario()
        .config(NO_PREFLIGHT)
        .otlp(&endpoint, "http/protobuf")
        .serve();
    provision_under_the_senders_trace(served).await;
    receiver.stop(true).await;
    assert_one_trace_to_every_salesforce_call(&received.0.lock());
}

/// Delivers Ada's signup with the sender's `traceparent`, waits for the command to finish and
/// stops the binary, which flushes the spans still buffered.
pub async fn provision_under_the_senders_trace(served: Served) {
    let client = reqwest::Client::new();
    let now = chrono::Utc::now();
    let answer = delivery(&client, &served.base, "msg_t1", &ADA.signed_up(now), now)
        .header("traceparent", format!("00-{TRACE_ID}-{SENDER_SPAN}-01"))
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 202);
    served
        .wait_for_log("\"message\":\"command finished\"", 1)
        .await;
    // Stopping flushes the spans still buffered.
    let (status, log) = served.stop();
    assert!(status.success(), "{log}");
}

/// What a collector must hold after [`provision_under_the_senders_trace`]: one trace from the
/// sender's span through ingress, mapping and the command to every Salesforce call, without
/// personal data or query text.
pub fn assert_one_trace_to_every_salesforce_call(spans: &[Span]) {
    let named = |name: &str| -> Vec<&Span> { spans.iter().filter(|s| s.name == name).collect() };
    let ingress = named("POST /v1/webhooks/{source}");
    assert_eq!(
        ingress.len(),
        1,
        "{:#?}",
        spans.iter().map(|s| &s.name).collect::<Vec<_>>()
    );
    let ingress = ingress[0];
    assert_eq!(hex(&ingress.trace_id), TRACE_ID);
    assert_eq!(
        hex(&ingress.parent_span_id),
        SENDER_SPAN,
        "child of the sender's span"
    );
    assert_eq!(
        attribute(ingress, "http.response.status_code").as_deref(),
        Some("202")
    );

    let mapping = named("mapping");
    assert_eq!(mapping.len(), 1);
    assert_eq!(hex(&mapping[0].trace_id), TRACE_ID);
    assert_eq!(mapping[0].parent_span_id, ingress.span_id);

    let command = named("command provision");
    assert_eq!(command.len(), 1);
    let command = command[0];
    assert_eq!(hex(&command.trace_id), TRACE_ID);
    assert_eq!(
        command.parent_span_id, ingress.span_id,
        "child of the ingress span"
    );
    assert_eq!(
        attribute(command, "subject").as_deref(),
        Some("partner-portal:u-7001")
    );
    assert_eq!(attribute(command, "outcome").as_deref(), Some("succeeded"));

    // The org's shape is read once at start-up, in its own span; every other call is the
    // command's.
    let shape = named("org shape");
    assert_eq!(shape.len(), 1, "the org's shape is read once");
    let calls: Vec<&Span> = spans
        .iter()
        .filter(|s| attribute(s, "url.template").is_some())
        .filter(|s| s.parent_span_id != shape[0].span_id)
        .collect();
    assert!(calls.len() >= 2, "a provision reads and writes");
    for call in &calls {
        assert_eq!(hex(&call.trace_id), TRACE_ID);
        assert_eq!(call.parent_span_id, command.span_id, "{}", call.name);
        assert_eq!(
            attribute(call, "http.response.status_code").as_deref(),
            Some("200")
        );
        assert!(call.name.starts_with("POST /composite") || call.name.starts_with("GET "));
    }
    // No span carries personal data or query text.
    for span in spans {
        for attribute in &span.attributes {
            let text = format!("{:?}", attribute.value);
            for value in ADA.personal_data().into_iter().chain(["SELECT"]) {
                assert!(!text.contains(value), "{} = {text}", attribute.key);
            }
        }
    }
}
