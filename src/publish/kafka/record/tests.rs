use chrono::{TimeZone, Utc};
use prost::Message;
use serde_json::json;

use super::*;
use crate::domain::{CommandId, SubjectKey};
use crate::proto::v1;
use crate::store::OutboxId;

fn row() -> OutboxRow {
    OutboxRow {
        outbox_id: OutboxId::generate(),
        subject_key: SubjectKey::parse("partner-portal:u-1").unwrap(),
        command_id: CommandId::generate(),
        event_type: "dev.gatehouse.user.provisioned".into(),
        payload: json!({
            "command_id": "cmd_1",
            "subject": "partner-portal:u-1",
            "intent": "provision",
            "source": "partner-portal",
            "source_time": "2026-03-02T09:00:01Z",
            "outcome": {
                "kind": "succeeded",
                "licence_effect": {"effect": "unchanged"},
                "api_calls": 0,
                "finished_at": "2026-03-02T09:00:02Z"
            }
        }),
        traceparent: None,
        created_at: Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 3).unwrap()
            + chrono::TimeDelta::milliseconds(40),
        published_at: None,
    }
}

#[test]
fn a_json_record_carries_the_stored_payload_and_every_attribute() {
    let row = row();
    let record =
        OutcomeRecord::of(&row, "urn:gatehouse:test", OutcomeEncoding::Json, None).unwrap();
    assert_eq!(record.key, "partner-portal:u-1");
    let value: serde_json::Value = serde_json::from_slice(&record.value).unwrap();
    assert_eq!(value, row.payload);
    assert_eq!(
        record.headers,
        vec![
            ("ce_specversion", "1.0".to_owned()),
            ("ce_id", row.outbox_id.as_str().to_owned()),
            ("ce_source", "urn:gatehouse:test".to_owned()),
            ("ce_type", "dev.gatehouse.user.provisioned".to_owned()),
            ("ce_subject", "partner-portal:u-1".to_owned()),
            ("ce_time", "2026-03-02T09:00:03.040Z".to_owned()),
            ("content-type", "application/json".to_owned()),
        ]
    );
}

#[test]
fn a_protobuf_record_decodes_as_an_outcome_event_and_says_so() {
    let row = row();
    let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let record = OutcomeRecord::of(
        &row,
        "urn:gatehouse",
        OutcomeEncoding::Protobuf,
        Some(traceparent.into()),
    )
    .unwrap();
    let event = v1::OutcomeEvent::decode(record.value.as_slice()).unwrap();
    assert_eq!(event, protobuf::outcome_event(&row.payload).unwrap());
    assert_eq!(event.subject_key, "partner-portal:u-1");
    assert_eq!(
        record.header("content-type"),
        Some("application/x-protobuf")
    );
    assert_eq!(record.header("traceparent"), Some(traceparent));
    let headers = record.kafka_headers();
    assert_eq!(rdkafka::message::Headers::count(&headers), 8);
}

#[test]
fn a_payload_that_cannot_become_protobuf_makes_no_record() {
    let mut row = row();
    row.payload = json!({"unexpected": true});
    assert!(OutcomeRecord::of(&row, "urn:gatehouse", OutcomeEncoding::Protobuf, None).is_err());
    assert!(
        OutcomeRecord::of(&row, "urn:gatehouse", OutcomeEncoding::Json, None).is_ok(),
        "JSON publishes the payload as stored"
    );
}
