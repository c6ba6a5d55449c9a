//! Why a native command's bytes are no command: shared by the decoder and its JSON reader, so
//! that both can refuse in the same words while the decoder alone picks the reader.

/// Why the bytes are not a `gatehouse.v1.Command` at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error(
        "content type '{0}' is not a native command encoding; send application/x-protobuf or application/json"
    )]
    ContentType(String),
    #[error("the body is not a gatehouse.v1.Command in protobuf: {0}")]
    Protobuf(#[source] prost::DecodeError),
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
