//! Kafka in and out, against a real Kafka-compatible broker (tansu) that `scripts/test.sh`
//! builds and starts.

pub mod broker;
mod outcomes;
mod relay;
mod smoke;
mod traced;
