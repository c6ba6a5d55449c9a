//! Kafka in and out, against a real Kafka-compatible broker (tansu) that `scripts/test.sh`
//! builds and starts.

pub mod broker;
mod outcomes;
mod pki;
mod relay;
mod security;
mod smoke;
mod tls_front;
mod traced;
