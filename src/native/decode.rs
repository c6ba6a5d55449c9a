//! A native command's bytes into `gatehouse.v1.Command`, as its content type says.

use prost::Message as _;

use super::envelope::Encoding;
use super::error::DecodeError;
use super::json;
use crate::proto::v1;

/// Decodes a command encoded as `content_type` says (protobuf when the record carried none).
pub fn decode(content_type: Option<&str>, body: &[u8]) -> Result<v1::Command, DecodeError> {
    let encoding = match content_type {
        None => Encoding::Protobuf,
        Some(ct) => Encoding::of(ct).ok_or_else(|| DecodeError::ContentType(ct.to_owned()))?,
    };
    match encoding {
        Encoding::Protobuf => v1::Command::decode(body).map_err(DecodeError::Protobuf),
        Encoding::Json => json::command(body),
    }
}
