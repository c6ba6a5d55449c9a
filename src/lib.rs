//! Gatehouse admits external people into a Salesforce Experience Cloud site and shows them out
//! again, driven by signed webhooks and Kafka events.
//!
//! The crate is laid out by concern: `ingress` takes events in and proves where they came from,
//! `store` keeps them durably, and `domain` holds the pure types the rest agrees on.

pub mod clock;
pub mod config;
pub mod ingress;
pub mod store;
