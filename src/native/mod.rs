//! Native commands: `gatehouse.v1.Command` records from producers that speak Gatehouse directly
//! (`proto/gatehouse/v1/commands.proto`), as protobuf or in the proto3 JSON mapping, told apart
//! by the record's content type.

mod envelope;

pub use envelope::{Encoding, Envelope, EnvelopeError, envelope};
