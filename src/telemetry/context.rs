//! W3C trace context: continuing the sender's trace through the inbox to every command.
//!
//! A webhook's `traceparent` header is where its trace comes from. The ingress span continues
//! it, and the inbox keeps the *ingress span's* context with the event (not the sender's), so
//! the mapping and every command it leads to become children of the ingress span: one trace from
//! the sender's request to the last Salesforce call, even when the command runs days later (an
//! end date). A child rather than a link, because there is exactly one cause per command and
//! tracing backends show parent/child as one tree; links are for fan-in, which Gatehouse does
//! not do. When no span is exported (tracing off) the sender's header is kept as it came, and a
//! delivery without one gets a fresh trace id, so log lines of the event and its commands still
//! share a `trace_id`.

use opentelemetry::trace::{SpanContext, SpanId, TraceContextExt, TraceFlags, TraceId, TraceState};
use opentelemetry_sdk::trace::{IdGenerator, RandomIdGenerator};
use tracing::Span;
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// The span context a `traceparent` value names; `None` when it is not a valid one.
///
/// Parsed by hand to the letter of W3C Trace Context: `version-traceid-parentid-flags` in
/// lowercase hex of exactly 2, 32, 16 and 2 digits, version `ff` and all-zero ids refused,
/// nothing after the flags for version `00` (later versions may append fields).
pub fn parse(traceparent: &str) -> Option<SpanContext> {
    let mut parts = traceparent.trim().split('-');
    let version = hex_field(parts.next()?, 2)?;
    let trace_id = hex_field(parts.next()?, 32)?;
    let span_id = hex_field(parts.next()?, 16)?;
    let flags = hex_field(parts.next()?, 2)?;
    if version == "ff" || (version == "00" && parts.next().is_some()) {
        return None;
    }
    let context = SpanContext::new(
        TraceId::from_hex(trace_id).ok()?,
        SpanId::from_hex(span_id).ok()?,
        TraceFlags::new(u8::from_str_radix(flags, 16).ok()?),
        true,
        TraceState::default(),
    );
    context.is_valid().then_some(context)
}

fn hex_field(text: &str, digits: usize) -> Option<&str> {
    (text.len() == digits && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
        .then_some(text)
}

/// The `traceparent` value of a span context.
pub fn format(span_context: &SpanContext) -> String {
    format!(
        "00-{}-{}-{:02x}",
        span_context.trace_id(),
        span_context.span_id(),
        span_context.trace_flags().to_u8()
    )
}

/// Makes `span` a child of the trace context in `traceparent` (when valid) and records the
/// trace id in the span's `trace_id` field, so its log lines carry it. The span must declare
/// `trace_id = tracing::field::Empty`. Answers the trace id recorded, if any.
pub fn continue_trace(span: &Span, traceparent: Option<&str>) -> Option<TraceId> {
    let remote = traceparent.and_then(parse);
    if let Some(parent) = &remote {
        let context = opentelemetry::Context::new().with_remote_span_context(parent.clone());
        // Fails only when no tracing layer is installed; the trace id is still logged.
        let _ = span.set_parent(context);
    }
    let exported = span.context().span().span_context().clone();
    let trace_id = if exported.is_valid() {
        Some(exported.trace_id())
    } else {
        remote.map(|parent| parent.trace_id())
    };
    if let Some(trace_id) = trace_id {
        span.record("trace_id", tracing::field::display(trace_id));
    }
    trace_id
}

/// The context to keep with an accepted event, after [`continue_trace`] ran on the ingress
/// span: the ingress span itself when it is exported; else the sender's header as it came; else
/// a fresh trace (recorded on the span too).
pub fn to_keep(span: &Span, incoming: Option<&str>) -> String {
    let exported = span.context().span().span_context().clone();
    if exported.is_valid() {
        return format(&exported);
    }
    if let Some(parent) = incoming.and_then(parse) {
        return format(&parent);
    }
    let ids = RandomIdGenerator::default();
    let fresh = SpanContext::new(
        ids.new_trace_id(),
        ids.new_span_id(),
        TraceFlags::default(),
        false,
        TraceState::default(),
    );
    span.record("trace_id", tracing::field::display(fresh.trace_id()));
    format(&fresh)
}

#[cfg(test)]
mod tests;
