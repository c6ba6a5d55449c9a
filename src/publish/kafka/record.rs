//! An outbox row as a Kafka record: a CloudEvent 1.0 in the Kafka protocol binding's binary
//! mode.
//!
//! Binary rather than structured mode because the record's value is then the outcome itself,
//! readable by consumers that know nothing of CloudEvents, and routing (`ce_type`) and
//! deduplication (`ce_id`) need no parsing of the value. The attributes:
//!
//! | header | value |
//! |---|---|
//! | `ce_specversion` | `1.0` |
//! | `ce_id` | the outbox id: the same on every publish of the row, so consumers drop repeats |
//! | `ce_source` | `[kafka.outcomes] ce_source` |
//! | `ce_type` | the row's event type (`dev.gatehouse.user.provisioned`, …) |
//! | `ce_subject` | the subject key (a source's id for the person, never personal data) |
//! | `ce_time` | when the outcome was written, RFC 3339 in UTC with milliseconds |
//! | `content-type` | `application/json` or `application/x-protobuf` |
//! | `traceparent` | W3C trace context of the `kafka.produce` span (see `trace`) |
//!
//! No `ce_dataschema`: every type shares one schema (`gatehouse.v1.OutcomeEvent`, or its JSON
//! form), named by the content type and documented in docs/outcomes.md; a URI that resolves to
//! nothing would only mislead.

use rdkafka::message::{Header, OwnedHeaders};

use super::protobuf::{self, PayloadError};
use crate::config::OutcomeEncoding;
use crate::store::OutboxRow;

/// The CloudEvents spec version Gatehouse writes.
pub const SPEC_VERSION: &str = "1.0";

/// The `content-type` of each encoding.
pub fn content_type(encoding: OutcomeEncoding) -> &'static str {
    match encoding {
        OutcomeEncoding::Json => "application/json",
        OutcomeEncoding::Protobuf => "application/x-protobuf",
    }
}

/// One outcome event, ready to produce.
#[derive(Debug, Clone, PartialEq)]
pub struct OutcomeRecord {
    /// The subject key: a subject's events share a partition, and so stay in order.
    pub key: String,
    /// The CloudEvents `data`.
    pub value: Vec<u8>,
    /// Header names and values, in the order they are written.
    pub headers: Vec<(&'static str, String)>,
}

impl OutcomeRecord {
    /// The record for `row`: its `data` in `encoding`, the CloudEvents attributes as headers,
    /// and `traceparent` when there is one.
    pub fn of(
        row: &OutboxRow,
        ce_source: &str,
        encoding: OutcomeEncoding,
        traceparent: Option<String>,
    ) -> Result<OutcomeRecord, PayloadError> {
        let value = match encoding {
            OutcomeEncoding::Json => row.payload.to_string().into_bytes(),
            OutcomeEncoding::Protobuf => {
                prost::Message::encode_to_vec(&protobuf::outcome_event(&row.payload)?)
            }
        };
        let mut headers = vec![
            ("ce_specversion", SPEC_VERSION.to_owned()),
            ("ce_id", row.outbox_id.as_str().to_owned()),
            ("ce_source", ce_source.to_owned()),
            ("ce_type", row.event_type.clone()),
            ("ce_subject", row.subject_key.as_str().to_owned()),
            (
                "ce_time",
                row.created_at
                    .to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            ),
            ("content-type", content_type(encoding).to_owned()),
        ];
        if let Some(traceparent) = traceparent {
            headers.push(("traceparent", traceparent));
        }
        Ok(OutcomeRecord {
            key: row.subject_key.as_str().to_owned(),
            value,
            headers,
        })
    }

    /// The headers as librdkafka takes them.
    pub fn kafka_headers(&self) -> OwnedHeaders {
        self.headers.iter().fold(
            OwnedHeaders::new_with_capacity(self.headers.len()),
            |headers, (key, value)| {
                headers.insert(Header {
                    key,
                    value: Some(value.as_bytes()),
                })
            },
        )
    }

    /// The value of header `name`, if written.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| value.as_str())
    }
}

#[cfg(test)]
mod tests {
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
}
