//! Kafka in and out, against a real Kafka-compatible broker (tansu) that `scripts/test.sh`
//! builds and starts.

pub mod broker;
mod pki;
mod security;
mod smoke;
mod tls_front;
