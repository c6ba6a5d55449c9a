use std::time::SystemTime;

use opentelemetry::trace::{SpanContext, SpanId, SpanKind, TraceFlags, TraceId, TraceState};
use opentelemetry::{InstrumentationScope, KeyValue};
use opentelemetry_sdk::trace::{SpanEvents, SpanLinks};

use super::*;
use crate::telemetry::mask::{Kind, email, known, name};

const TRACE: &str = "5b8aa5a2d2c872e8321cf37308d69df2";

fn span(attributes: Vec<KeyValue>, events: Vec<Event>, status: Status) -> SpanData {
    SpanData {
        span_context: SpanContext::new(
            TraceId::from_hex(TRACE).unwrap(),
            SpanId::from_bytes([0, 0, 0, 0, 0, 0, 0, 7]),
            TraceFlags::SAMPLED,
            false,
            TraceState::default(),
        ),
        parent_span_id: SpanId::INVALID,
        parent_span_is_remote: false,
        span_kind: SpanKind::Internal,
        name: "command provision".into(),
        start_time: SystemTime::now(),
        end_time: SystemTime::now(),
        attributes,
        dropped_attributes_count: 0,
        events: {
            let mut all = SpanEvents::default();
            all.events = events;
            all
        },
        links: SpanLinks::default(),
        status,
        instrumentation_scope: InstrumentationScope::builder("gatehouse").build(),
    }
}

fn text(value: &Value) -> String {
    value.as_str().into_owned()
}

#[test]
fn attributes_events_and_status_leave_masked() {
    known::remember(TRACE, [(Kind::Name, "Hopperová".to_owned())]);
    let error = "STRING_TOO_LONG: Last Name: data value too large: Hopperová (max length=8); mail grace.hopper@partner.example";
    let mut data = span(
        vec![
            KeyValue::new("subject", "partner-portal:u-7002"),
            KeyValue::new("contact.first_name", "Grace"),
            KeyValue::new("owner", "ops@acme.example"),
        ],
        vec![Event::new(
            "transient failure: will retry",
            SystemTime::now(),
            vec![KeyValue::new("error", error), KeyValue::new("attempt", 2)],
            0,
        )],
        Status::error(error),
    );
    mask_span(&mut data);

    let attribute = |key: &str| {
        text(
            &data
                .attributes
                .iter()
                .find(|a| a.key.as_str() == key)
                .unwrap()
                .value,
        )
    };
    assert_eq!(attribute("subject"), "partner-portal:u-7002");
    assert_eq!(attribute("contact.first_name"), name("Grace").to_string());
    assert_eq!(attribute("owner"), email("ops@acme.example").to_string());
    let event_error = text(&data.events.events[0].attributes[0].value);
    let Status::Error { description } = &data.status else {
        panic!("still an error");
    };
    for told in [&event_error, &description.to_string()] {
        assert!(!told.contains("Hopper"), "{told}");
        assert!(!told.contains("grace.hopper@"), "{told}");
        assert!(told.contains(name("Hopperová").as_str()), "{told}");
        assert!(
            told.contains(email("grace.hopper@partner.example").as_str()),
            "{told}"
        );
        assert!(
            told.contains("data value too large"),
            "the rest is kept: {told}"
        );
    }
    assert_eq!(data.events.events[0].attributes[1].value, Value::I64(2));
}

#[test]
fn another_traces_values_are_not_masked_by_these() {
    known::remember(TRACE, [(Kind::Name, "Kowalczyk".to_owned())]);
    let other = span(
        vec![KeyValue::new("detail", "Kowalczyk")],
        vec![],
        Status::Unset,
    );
    let mut other = SpanData {
        span_context: SpanContext::new(
            TraceId::from_hex("0af7651916cd43dd8448eb211c80319c").unwrap(),
            SpanId::from_bytes([0, 0, 0, 0, 0, 0, 0, 8]),
            TraceFlags::SAMPLED,
            false,
            TraceState::default(),
        ),
        ..other
    };
    mask_span(&mut other);
    assert_eq!(text(&other.attributes[0].value), "Kowalczyk");
}
