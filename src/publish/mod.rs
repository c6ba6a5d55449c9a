//! Outcomes going out: the relay that publishes the outbox's outcome events to Kafka
//! ([`kafka`]) and the [`Pruner`] that keeps the outbox from growing forever; beside it,
//! [`Retention`], the pass that removes personal data from the other records past its time.
//!
//! The store writes each outcome's announcement in the same transaction as the outcome; the
//! relay marks it published. Neither deletes anything; the pruner does, whether or not Kafka is on.

pub mod kafka;
mod pruner;
pub mod retention;
pub mod webhook;

pub use pruner::{PruneScope, Pruner};
pub use retention::Retention;
