//! Spans leave masked, as log lines do: a span processor in front of the batch exporter.
//!
//! Why a processor and not a tracing layer: tracing-opentelemetry turns span fields into
//! attributes and events (every `tracing::info!` inside a span, with its `error` text) into
//! span events when it builds the span, and attributes set through `OpenTelemetrySpanExt` or by
//! the SDK never pass a tracing layer at all. Every span, whoever made it, ends through the
//! provider's processors: [`Masking::on_end`] sees the finished span — name, attributes,
//! events, links and status — before the batch processor queues it, so nothing reaches the
//! exporter (or its retry buffer) unmasked. Values are masked as the log masks them
//! (`telemetry::mask`): by the field's name, by the values remembered for the span's trace,
//! and by shape for emails.

use std::borrow::Cow;
use std::time::Duration;

use opentelemetry::trace::{Event, Status};
use opentelemetry::{Array, Context, KeyValue, StringValue, Value};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{Span, SpanData, SpanProcessor};

use crate::telemetry::mask;

/// Masks each finished span, then hands it to `P` (the batch processor).
#[derive(Debug)]
pub struct Masking<P>(pub P);

impl<P: SpanProcessor> SpanProcessor for Masking<P> {
    fn on_start(&self, span: &mut Span, cx: &Context) {
        self.0.on_start(span, cx);
    }

    fn on_end(&self, mut span: SpanData) {
        mask_span(&mut span);
        self.0.on_end(span);
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.0.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.0.shutdown_with_timeout(timeout)
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.0.set_resource(resource);
    }
}

/// Masks every text of `span`, under its trace's remembered values.
pub fn mask_span(span: &mut SpanData) {
    let trace = span.span_context.trace_id().to_string();
    let trace = Some(trace.as_str());
    if let Cow::Owned(name) = mask::text(&span.name, trace) {
        span.name = name.into();
    }
    mask_attributes(&mut span.attributes, trace);
    for event in span.events.events.iter_mut() {
        mask_event(event, trace);
    }
    for link in span.links.links.iter_mut() {
        mask_attributes(&mut link.attributes, trace);
    }
    if let Status::Error { description } = &mut span.status
        && let Cow::Owned(masked) = mask::text(description, trace)
    {
        *description = masked.into();
    }
}

fn mask_event(event: &mut Event, trace: Option<&str>) {
    if let Cow::Owned(name) = mask::text(&event.name, trace) {
        event.name = name.into();
    }
    mask_attributes(&mut event.attributes, trace);
}

fn mask_attributes(attributes: &mut [KeyValue], trace: Option<&str>) {
    for attribute in attributes {
        let key = attribute.key.as_str().to_owned();
        match &mut attribute.value {
            Value::String(text) => mask_string(&key, text, trace),
            Value::Array(Array::String(texts)) => {
                for text in texts {
                    mask_string(&key, text, trace);
                }
            }
            _ => {}
        }
    }
}

fn mask_string(key: &str, text: &mut StringValue, trace: Option<&str>) {
    let by_name = mask::field(key, text.as_str());
    let masked = match by_name {
        Cow::Owned(masked) => mask::text(&masked, trace).into_owned(),
        Cow::Borrowed(same) => match mask::text(same, trace) {
            Cow::Owned(masked) => masked,
            Cow::Borrowed(_) => return,
        },
    };
    *text = masked.into();
}

#[cfg(test)]
mod tests;
