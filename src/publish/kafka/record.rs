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
//! No `ce_dataschema`: every outcome type shares one schema (`gatehouse.v1.OutcomeEvent`, or
//! its JSON form; the guard's `dev.gatehouse.guard.tripped` is a `gatehouse.v1.GuardTripped`,
//! an erasure's `dev.gatehouse.subject.erased` a `gatehouse.v1.SubjectErased`), named by the
//! content type and documented in docs/outcomes.md; a URI that resolves to nothing would only
//! mislead.

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
            OutcomeEncoding::Protobuf => protobuf::encode(&row.event_type, &row.payload)?,
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
mod tests;
