//! Kafka in and out, against a real Kafka-compatible broker (tansu) that `scripts/test.sh`
//! builds and starts.

pub mod broker;
mod consume;
mod crash;
mod dead_letter;
pub mod inbound;
mod order;
mod outcomes;
mod pki;
mod rebalance;
mod redelivery;
mod relay;
mod security;
mod served;
mod smoke;
mod tls_front;
mod traced;
mod traces;
