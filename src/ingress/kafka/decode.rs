//! A record becomes an inbox event, read as its topic's format says; or it is poison, with the
//! reason, and goes to the dead-letter topic instead of blocking its partition.
//!
//! Decoding judges only what the inbox needs (a format it can keep, a dedupe key, a time): a
//! record that decodes but that no rule maps is kept in the inbox as `unmapped` with the reason,
//! like a webhook, so it can be replayed once the rules are fixed.

use chrono::{DateTime, Utc};

use super::record::Record;
use crate::config::{SourceConfig, TopicConfig, TopicFormat};
use crate::ingress::identity::{self, BodyError, Headers as _};
use crate::native::{self, EnvelopeError};
use crate::report;
use crate::store::{KeyOrigin, NewEvent};

/// The content type of a mapped topic's record that names none: the sources' usual format.
const DEFAULT_MAPPED_TYPE: &str = "application/json";
/// The content type a native command without one is kept under (protobuf is the default there).
const DEFAULT_NATIVE_TYPE: &str = "application/x-protobuf";

/// How one topic's records are read.
#[derive(Debug, Clone)]
pub(crate) enum Decoder {
    /// The source's own payloads: its format, `event_id` and `event_time` apply.
    Mapped {
        source: String,
        config: Box<SourceConfig>,
    },
    /// `gatehouse.v1.Command`s, recorded under their topic's source name.
    Native { source: String },
}

/// What a record decodes to.
#[derive(Debug)]
pub(crate) enum Decoded {
    /// Ready for the inbox.
    Event(NewEvent),
    /// Not for the inbox: the record back, whole, with why.
    Poison(Record, Poison),
}

/// Why a record cannot enter the inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Poison {
    /// A short code: the `gatehouse-dlq-reason` header and the metric's `reason` label.
    pub reason: &'static str,
    /// What is wrong, for people; never quotes the payload.
    pub detail: String,
}

impl Poison {
    fn new(reason: &'static str, detail: impl Into<String>) -> Poison {
        Poison {
            reason,
            detail: detail.into(),
        }
    }
}

impl Decoder {
    /// The decoder of a topic; `None` when a mapped topic's source is not configured (config
    /// validation refuses that before start-up).
    pub fn for_topic(
        topic: &TopicConfig,
        sources: &std::collections::BTreeMap<String, SourceConfig>,
    ) -> Option<Decoder> {
        match topic.format {
            TopicFormat::Mapped => Some(Decoder::Mapped {
                source: topic.source.clone(),
                config: Box::new(sources.get(&topic.source)?.clone()),
            }),
            TopicFormat::Native => Some(Decoder::Native {
                source: topic.source.clone(),
            }),
        }
    }

    /// The source the topic's events are recorded under.
    pub fn source(&self) -> &str {
        match self {
            Decoder::Mapped { source, .. } | Decoder::Native { source } => source,
        }
    }

    /// The inbox event of `record`, or the record back with why it is poison.
    pub fn decode(
        &self,
        mut record: Record,
        received_at: DateTime<Utc>,
        traceparent: Option<String>,
    ) -> Decoded {
        let read = match self {
            Decoder::Mapped { source, config } => read_mapped(source, config, &record),
            Decoder::Native { .. } => read_native(&record),
        };
        let read = match read {
            Ok(read) => read,
            Err(poison) => return Decoded::Poison(record, poison),
        };
        let event = NewEvent {
            source: self.source().to_owned(),
            dedupe_key: read.dedupe_key,
            key_origin: read.key_origin,
            received_at,
            source_time: read.source_time,
            content_type: read.content_type,
            traceparent,
            body: record.payload.take().unwrap_or_default(),
        };
        // Refused by the store no matter how often it is tried (a source time past the year
        // 9999): dead-lettered like any record the inbox cannot keep.
        match event.unstorable() {
            None => Decoded::Event(event),
            Some(problem) => {
                record.payload = Some(event.body);
                Decoded::Poison(record, Poison::new("unstorable", problem))
            }
        }
    }
}

/// What decoding learnt of a record; the body moves into the event unchanged.
struct Read {
    dedupe_key: String,
    key_origin: KeyOrigin,
    source_time: Option<DateTime<Utc>>,
    content_type: String,
}

fn read_mapped(source: &str, config: &SourceConfig, record: &Record) -> Result<Read, Poison> {
    let content_type = match record.header("content-type") {
        None => DEFAULT_MAPPED_TYPE,
        Some(value) => std::str::from_utf8(value).map_err(|_| {
            Poison::new(
                "unsupported_media_type",
                "the content-type header is not UTF-8 text",
            )
        })?,
    };
    if !config.format.accepts(content_type) {
        return Err(Poison::new(
            "unsupported_media_type",
            format!(
                "source '{source}' sends {}; this record has content-type '{content_type}'",
                config.format.media_type()
            ),
        ));
    }
    let body = record.body();
    let parsed = identity::parse_body(config, body).map_err(|e| match e {
        BodyError::EmptySoap => Poison::new("malformed_body", report::chain(&e).to_string()),
        BodyError::MalformedJson(_) => Poison::new("malformed_json", report::chain(&e).to_string()),
    })?;
    let (dedupe_key, key_origin) =
        identity::dedupe_key(source, config, record, parsed.as_ref(), body, None)
            .map_err(|missing| Poison::new("missing_event_id", missing.to_string()))?;
    Ok(Read {
        dedupe_key,
        key_origin,
        source_time: identity::event_time(config, record, parsed.as_ref()),
        content_type: content_type.to_owned(),
    })
}

fn read_native(record: &Record) -> Result<Read, Poison> {
    let content_type = match record.header("content-type") {
        None => None,
        Some(value) => Some(std::str::from_utf8(value).map_err(|_| {
            Poison::new(
                "unsupported_media_type",
                "the content-type header is not UTF-8 text",
            )
        })?),
    };
    let body = record.body();
    let envelope = native::envelope(content_type, body).map_err(|e| {
        let reason = match &e {
            EnvelopeError::ContentType(_) => "unsupported_media_type",
            EnvelopeError::Protobuf(_) | EnvelopeError::Json(_) | EnvelopeError::NotACommand(_) => {
                "malformed_command"
            }
            EnvelopeError::NoSourceTime => "missing_source_time",
            EnvelopeError::BadSourceTime(_) | EnvelopeError::UnreadableSourceTime { .. } => {
                "bad_source_time"
            }
        };
        Poison::new(reason, report::chain(&e).to_string())
    })?;
    let (dedupe_key, key_origin) = match envelope.command_id {
        Some(id) => (id, KeyOrigin::Body),
        None => (identity::content_hash(body), KeyOrigin::ContentHash),
    };
    Ok(Read {
        dedupe_key,
        key_origin,
        source_time: Some(envelope.source_time),
        content_type: content_type.unwrap_or(DEFAULT_NATIVE_TYPE).to_owned(),
    })
}

#[cfg(test)]
mod tests;
