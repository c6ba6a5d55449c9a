//! The protobuf messages of `proto/gatehouse/v1/`, generated at build time: native commands
//! that producers send on Kafka, and the outcome events Gatehouse publishes.

/// Package `gatehouse.v1`.
#[allow(clippy::all, missing_docs)]
pub mod v1 {
    include!(concat!(env!("OUT_DIR"), "/gatehouse.v1.rs"));
}
