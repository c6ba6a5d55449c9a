//! The engine: from accepted events to converged Salesforce state.
//!
//! `read` observes the org, `plan` decides (pure), `apply` writes, `executor` runs one command
//! to its outcome, `batch` runs the commands due together sharing requests, `retry` says when to
//! try again, `lease` keeps a running command's claim and tells the run when it is lost,
//! `erasures` settles the erasures that wait for a deprovision.

pub mod apply;
pub mod batch;
pub mod erasures;
pub mod executor;
pub mod intake;
pub mod lease;
pub mod licences;
pub mod plan;
pub mod read;
pub mod retry;
pub mod roll_call;
pub mod worker;
