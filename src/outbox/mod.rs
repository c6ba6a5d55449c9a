//! The outbox after the outcome: how long announcements are kept.
//!
//! The store writes each outcome's announcement with the outcome, and the Kafka relay
//! (`kafka::relay`) marks it published. Neither deletes anything; the [`Pruner`] does, so the
//! outbox never grows forever, whether or not Kafka is on.

mod pruner;

pub use pruner::{PruneScope, Pruner};
