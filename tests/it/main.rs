//! Gatehouse's integration tests: the service started on port 0 with a settable clock, driven
//! over HTTP like its senders and operators drive it.

mod admin;
mod architecture;
mod cli;
mod doctor;
mod health;
mod inbox;
mod kafka;
mod mapping;
mod native;
mod operators;
mod outbox;
mod outcome_webhooks;
mod permission_set;
mod replays;
mod replicas;
mod salesforce;
mod scenarios;
mod schemes;
mod sender_limits;
mod store_copy;
mod support;
mod telemetry;
mod webhooks;
