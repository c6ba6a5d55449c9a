//! A native command's bytes into `gatehouse.v1.Command`, as its content type says.

use prost::Message as _;

use super::envelope::Encoding;
use super::json;
use crate::proto::v1;

/// Why the bytes are not a `gatehouse.v1.Command` at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error(
        "content type '{0}' is not a native command encoding; send application/x-protobuf or application/json"
    )]
    ContentType(String),
    #[error("the body is not a gatehouse.v1.Command in protobuf: {0}")]
    Protobuf(String),
    /// The JSON is not the proto3 JSON mapping of a command; `field` is the dotted path of
    /// the member at fault, when one is.
    #[error("{}{message}", field.as_deref().map(|f| format!("{f}: ")).unwrap_or_default())]
    Json {
        field: Option<String>,
        message: String,
    },
}

impl DecodeError {
    pub(super) fn json(field: Option<String>, message: impl Into<String>) -> DecodeError {
        DecodeError::Json {
            field,
            message: message.into(),
        }
    }

    /// The dotted path of the field at fault, when the error is about one.
    pub fn field(&self) -> Option<&str> {
        match self {
            DecodeError::Json { field, .. } => field.as_deref(),
            _ => None,
        }
    }
}

/// Decodes a command encoded as `content_type` says (protobuf when the record carried none).
pub fn decode(content_type: Option<&str>, body: &[u8]) -> Result<v1::Command, DecodeError> {
    let encoding = match content_type {
        None => Encoding::Protobuf,
        Some(ct) => Encoding::of(ct).ok_or_else(|| DecodeError::ContentType(ct.to_owned()))?,
    };
    match encoding {
        Encoding::Protobuf => {
            v1::Command::decode(body).map_err(|e| DecodeError::Protobuf(e.to_string()))
        }
        Encoding::Json => json::command(body),
    }
}
