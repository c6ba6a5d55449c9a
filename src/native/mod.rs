//! Native commands: `gatehouse.v1.Command` records from producers that speak Gatehouse directly
//! (`proto/gatehouse/v1/commands.proto`), as protobuf or in the proto3 JSON mapping, told apart
//! by the record's content type.
//!
//! A native command skips the mapping rules but not the guard rails: [`read`] decodes it and
//! checks it as every command is checked (`domain::validate`), so what is queued is the same
//! intent a rule or an operator would have made. Where it came from (a Kafka topic, a test)
//! does not matter here.

mod admit;
mod allow;
mod decode;
mod envelope;
mod error;
mod json;
mod proto_enum;

pub use admit::{NativeCommand, admit};
pub use allow::check_allowed;
pub use decode::decode;
pub use envelope::{Encoding, Envelope, EnvelopeError, envelope};
pub use error::DecodeError;

use crate::domain::Violation;

/// Why a native command cannot be queued: its bytes are no command, or a field breaks a
/// guard rail. Either way the message names what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("{0}")]
    Undecodable(#[from] DecodeError),
    #[error("{0}")]
    Invalid(#[from] Violation),
}

impl Refused {
    /// The dotted path of the field at fault (`deprovision.mode`), when the refusal is about one.
    pub fn field(&self) -> Option<&str> {
        match self {
            Refused::Undecodable(e) => e.field(),
            Refused::Invalid(v) => Some(&v.field),
        }
    }
}

/// Decodes and checks a native command encoded as `content_type` says (protobuf when none).
pub fn read(content_type: Option<&str>, body: &[u8]) -> Result<NativeCommand, Refused> {
    Ok(admit(decode(content_type, body)?)?)
}

#[cfg(test)]
mod tests;
