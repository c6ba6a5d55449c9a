//! The engine: from accepted events to converged Salesforce state.
//!
//! `read` observes the org, `plan` decides (pure), `apply` writes, `executor` runs one command
//! to its outcome, `retry` says when to try again.

pub mod apply;
pub mod executor;
pub mod intake;
pub mod licences;
pub mod plan;
pub mod read;
pub mod retry;
pub mod worker;
