//! Kafka at the edges: records consumed into the inbox, outcome events published from the
//! outbox. Off unless `[kafka]` is configured.

pub mod client;
pub mod consume;
pub mod relay;
