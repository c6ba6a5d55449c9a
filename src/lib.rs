//! Gatehouse admits external people into a Salesforce Experience Cloud site and shows them out
//! again, driven by signed webhooks and Kafka events.
//!
//! The crate is laid out by concern: `ingress` takes events in and proves where they came from,
//! `store` keeps them durably, `domain` holds the pure types the rest agrees on, and `config`,
//! `cli`, `startup` and `telemetry` make it a service.

pub mod admin;
pub mod cli;
pub mod clock;
pub mod config;
pub mod domain;
pub mod engine;
pub mod ingress;
pub mod kafka;
pub mod mapping;
pub mod native;
pub mod problem;
pub mod proto;
pub mod publish;
pub mod report;
pub mod salesforce;
pub mod server;
pub mod startup;
pub mod store;
pub mod telemetry;
