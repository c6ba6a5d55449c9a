use chrono::{DateTime, Utc};
use prost::Message;

use super::*;
use crate::proto::v1;

fn at() -> DateTime<Utc> {
    DateTime::from_timestamp(1_750_000_000, 0).unwrap()
}

fn record(payload: &[u8], headers: &[(&str, &str)]) -> Record {
    Record {
        partition: 2,
        offset: 41,
        key: Some(b"k".to_vec()),
        payload: Some(payload.to_vec()),
        headers: headers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), Some(v.as_bytes().to_vec())))
            .collect(),
    }
}

fn mapped(source_toml: &str) -> Decoder {
    Decoder::Mapped {
        source: "partner-portal".to_owned(),
        config: Box::new(toml::from_str(source_toml).unwrap()),
    }
}

fn native() -> Decoder {
    Decoder::Native {
        source: "hr-commands".to_owned(),
    }
}

fn poison(decoder: &Decoder, record: Record) -> Poison {
    match decoder.decode(record, at(), None) {
        Decoded::Poison(back, poison) => {
            assert_eq!(back.offset, 41, "the record comes back whole");
            poison
        }
        Decoded::Event(event) => panic!("decoded: {event:?}"),
    }
}

fn decoded(decoder: &Decoder, record: Record, traceparent: Option<String>) -> NewEvent {
    match decoder.decode(record, at(), traceparent) {
        Decoded::Event(event) => event,
        Decoded::Poison(_, poison) => panic!("poison: {poison:?}"),
    }
}

const SIGNUP: &[u8] = br#"{"type":"partner.user.signed_up","occurred_at":"2026-03-01T10:00:00Z"}"#;

#[test]
fn a_mapped_record_keeps_its_body_and_is_keyed_by_its_hash_and_timed_by_its_source() {
    let decoder = mapped(r#"event_time = { json_pointer = "/occurred_at" }"#);
    let traceparent = Some("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".to_owned());
    let event = decoded(&decoder, record(SIGNUP, &[]), traceparent.clone());
    assert_eq!(event.source, "partner-portal");
    assert_eq!(event.body, SIGNUP);
    assert_eq!(event.content_type, "application/json");
    assert_eq!(event.key_origin, KeyOrigin::ContentHash);
    assert_eq!(event.dedupe_key, identity::content_hash(SIGNUP));
    assert_eq!(event.received_at, at());
    assert_eq!(
        event.source_time.map(|t| t.to_rfc3339()),
        Some("2026-03-01T10:00:00+00:00".to_owned())
    );
    assert_eq!(event.traceparent, traceparent);
}

#[test]
fn a_header_locator_reads_the_kafka_header() {
    let decoder = mapped(r#"event_id = { header = "Event-Id" }"#);
    let event = decoded(
        &decoder,
        record(
            SIGNUP,
            &[
                ("event-id", "evt-7"),
                ("content-type", "application/json; charset=utf-8"),
            ],
        ),
        None,
    );
    assert_eq!(
        (event.dedupe_key.as_str(), event.key_origin),
        ("evt-7", KeyOrigin::Header)
    );
    assert_eq!(event.content_type, "application/json; charset=utf-8");
    let missing = poison(&decoder, record(SIGNUP, &[]));
    assert_eq!(missing.reason, "missing_event_id");
    assert!(missing.detail.contains("Event-Id"), "{}", missing.detail);
}

#[test]
fn records_a_mapped_source_cannot_read_are_poison_with_a_reason() {
    let decoder = mapped("");
    assert_eq!(
        poison(&decoder, record(b"{\"type\":", &[])).reason,
        "malformed_json"
    );
    let text = poison(&decoder, record(SIGNUP, &[("content-type", "text/plain")]));
    assert_eq!(text.reason, "unsupported_media_type");
    assert!(text.detail.contains("text/plain"), "{}", text.detail);
    let mut tombstone = record(b"", &[]);
    tombstone.payload = None;
    assert_eq!(poison(&decoder, tombstone).reason, "malformed_json");
}

#[test]
fn a_native_command_is_keyed_by_its_id_and_timed_by_its_source_time() {
    let command = v1::Command {
        command_id: "cmd-1".into(),
        subject_key: "hr:1".into(),
        source_time: Some(prost_types::Timestamp {
            seconds: 1_700_000_000,
            nanos: 0,
        }),
        ..Default::default()
    };
    let event = decoded(&native(), record(&command.encode_to_vec(), &[]), None);
    assert_eq!(event.source, "hr-commands");
    assert_eq!(
        (event.dedupe_key.as_str(), event.key_origin),
        ("cmd-1", KeyOrigin::Body)
    );
    assert_eq!(event.content_type, "application/x-protobuf");
    assert_eq!(
        event.source_time.map(|t| t.timestamp()),
        Some(1_700_000_000)
    );

    let json = br#"{"subject_key":"hr:1","source_time":"2026-01-02T03:04:05Z"}"#;
    let event = decoded(
        &native(),
        record(json, &[("content-type", "application/json")]),
        None,
    );
    assert_eq!(event.key_origin, KeyOrigin::ContentHash);
    assert_eq!(event.content_type, "application/json");
}

#[test]
fn records_that_are_not_native_commands_are_poison_with_a_reason() {
    assert_eq!(
        poison(&native(), record(&[0xff, 0xff, 0xff], &[])).reason,
        "malformed_command"
    );
    assert_eq!(
        poison(
            &native(),
            record(b"{}", &[("content-type", "application/json")])
        )
        .reason,
        "missing_source_time"
    );
    assert_eq!(
        poison(&native(), record(b"{}", &[("content-type", "text/csv")])).reason,
        "unsupported_media_type"
    );
}
