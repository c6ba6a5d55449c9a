//! The `kafka.produce` span of each outcome event, and the `traceparent` the record carries.
//!
//! The row keeps the trace context of the event that caused the outcome (the ingress span of
//! the webhook or record; see `telemetry::context`). The produce span continues it, so one
//! trace runs from the sender through the command to the outcome on the topic, and the
//! record's `traceparent` names the produce span, so a consumer's spans join the same trace as
//! children of the publish (OpenTelemetry's messaging conventions).

use opentelemetry::trace::TraceContextExt;
use tracing::Span;
use tracing_opentelemetry::OpenTelemetrySpanExt;

use crate::store::OutboxRow;
use crate::telemetry::context;

/// A span for publishing `row` to `topic`, a child of the row's stored trace context, with
/// OpenTelemetry's messaging attributes. The partition and offset are recorded on
/// acknowledgement (see [`acknowledged`]).
pub fn produce_span(topic: &str, row: &OutboxRow) -> Span {
    let span = tracing::info_span!(
        "kafka.produce",
        otel.kind = "producer",
        otel.status_code = tracing::field::Empty,
        messaging.system = "kafka",
        messaging.operation.type = "send",
        messaging.operation.name = "send",
        messaging.destination.name = topic,
        messaging.destination.partition.id = tracing::field::Empty,
        messaging.kafka.message.key = row.subject_key.as_str(),
        messaging.kafka.offset = tracing::field::Empty,
        messaging.message.id = row.outbox_id.as_str(),
        error.type = tracing::field::Empty,
        trace_id = tracing::field::Empty,
    );
    context::continue_trace(&span, row.traceparent.as_deref());
    span
}

/// The `traceparent` header for a record published inside `span`: the span's own context when
/// spans are exported; else the row's stored context unchanged, so consumers still join the
/// sender's trace; else none (a row with no trace and tracing off).
pub fn traceparent(span: &Span, row: &OutboxRow) -> Option<String> {
    let exported = span.context().span().span_context().clone();
    if exported.is_valid() {
        return Some(context::format(&exported));
    }
    row.traceparent
        .as_deref()
        .and_then(context::parse)
        .map(|stored| context::format(&stored))
}

/// Records where the broker put the record.
pub fn acknowledged(span: &Span, partition: i32, offset: i64) {
    span.record("messaging.destination.partition.id", partition.to_string());
    span.record("messaging.kafka.offset", offset);
}

/// Records why the record was not acknowledged.
pub fn failed(span: &Span, error: &str) {
    span.record("otel.status_code", "ERROR");
    span.record("error.type", error);
}

#[cfg(test)]
mod tests;
