//! The envelope of a native command: what the consumer needs before the inbox takes it (its
//! dedupe id and source time), read without judging the rest, which the mapping stage validates
//! so that a command with a bad field is kept in the inbox with the reason, for replay.

use chrono::{DateTime, Utc};
use prost::Message;

use crate::proto::v1;

/// How a native command's bytes are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// `application/x-protobuf` (also `application/protobuf`, `application/vnd.google.protobuf`).
    Protobuf,
    /// `application/json` or any `+json` type: the proto3 JSON mapping.
    Json,
}

impl Encoding {
    /// The encoding a content type names; `None` for any other type.
    pub fn of(content_type: &str) -> Option<Encoding> {
        let media = content_type
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match media.as_str() {
            "application/x-protobuf"
            | "application/protobuf"
            | "application/vnd.google.protobuf" => Some(Encoding::Protobuf),
            "application/json" => Some(Encoding::Json),
            m if m.ends_with("+json") => Some(Encoding::Json),
            _ => None,
        }
    }
}

/// What the consumer reads of a native command before storing it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope {
    /// The producer's id, when given; else the consumer keys the record by its bytes' hash.
    pub command_id: Option<String>,
    pub source_time: DateTime<Utc>,
}

/// Why a record is not a native command at all (it goes to the dead-letter topic, with this
/// message as its reason).
#[derive(Debug, thiserror::Error)]
pub enum EnvelopeError {
    #[error(
        "content type '{0}' is not a native command encoding; send application/x-protobuf or application/json"
    )]
    ContentType(String),
    #[error("the record is not a gatehouse.v1.Command in protobuf: {0}")]
    Protobuf(#[source] prost::DecodeError),
    #[error("the record is not a gatehouse.v1.Command in JSON: {0}")]
    Json(#[source] serde_json::Error),
    /// Valid JSON, but not shaped like a command (not an object, an id that is no string).
    #[error("the record is not a gatehouse.v1.Command in JSON: {0}")]
    NotACommand(&'static str),
    #[error("the command has no source_time; it orders the subject's commands and is required")]
    NoSourceTime,
    #[error("source_time is not a valid time: {0}")]
    BadSourceTime(String),
    #[error("source_time is not a valid time: '{text}': {source}")]
    UnreadableSourceTime {
        text: String,
        #[source]
        source: chrono::ParseError,
    },
}

/// Two refusals are equal when they are of one kind and say the same: the causes beneath
/// (prost's, serde_json's) cannot be compared themselves, and their messages are in ours.
impl PartialEq for EnvelopeError {
    fn eq(&self, other: &Self) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other)
            && self.to_string() == other.to_string()
    }
}

impl Eq for EnvelopeError {}

/// Reads the envelope of a native command encoded as `content_type` says (protobuf when the
/// record carries no content type).
pub fn envelope(content_type: Option<&str>, body: &[u8]) -> Result<Envelope, EnvelopeError> {
    let encoding = match content_type {
        None => Encoding::Protobuf,
        Some(ct) => Encoding::of(ct).ok_or_else(|| EnvelopeError::ContentType(ct.to_owned()))?,
    };
    match encoding {
        Encoding::Protobuf => {
            let command = v1::Command::decode(body).map_err(EnvelopeError::Protobuf)?;
            let time = command.source_time.ok_or(EnvelopeError::NoSourceTime)?;
            let source_time = DateTime::from_timestamp(time.seconds, time.nanos.max(0) as u32)
                .ok_or_else(|| EnvelopeError::BadSourceTime(format!("{}s", time.seconds)))?;
            Ok(Envelope {
                command_id: Some(command.command_id).filter(|id| !id.is_empty()),
                source_time,
            })
        }
        Encoding::Json => {
            let value: serde_json::Value =
                serde_json::from_slice(body).map_err(EnvelopeError::Json)?;
            let object = value
                .as_object()
                .ok_or(EnvelopeError::NotACommand("the body is not a JSON object"))?;
            // The proto3 JSON mapping accepts the field's own name and its lowerCamelCase form.
            let field = |snake: &str, camel: &str| object.get(snake).or_else(|| object.get(camel));
            let command_id = match field("command_id", "commandId") {
                None | Some(serde_json::Value::Null) => None,
                Some(serde_json::Value::String(id)) => Some(id.clone()).filter(|id| !id.is_empty()),
                Some(_) => {
                    return Err(EnvelopeError::NotACommand("command_id is not a string"));
                }
            };
            let source_time = match field("source_time", "sourceTime") {
                None | Some(serde_json::Value::Null) => return Err(EnvelopeError::NoSourceTime),
                Some(serde_json::Value::String(text)) => DateTime::parse_from_rfc3339(text)
                    .map_err(|source| EnvelopeError::UnreadableSourceTime {
                        text: text.clone(),
                        source,
                    })?
                    .with_timezone(&Utc),
                Some(_) => {
                    return Err(EnvelopeError::BadSourceTime(
                        "not an RFC 3339 string".to_owned(),
                    ));
                }
            };
            Ok(Envelope {
                command_id,
                source_time,
            })
        }
    }
}

#[cfg(test)]
mod tests;
