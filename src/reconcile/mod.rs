//! Periodic comparisons of the org, the store and the sources, which enqueue what they would
//! put right through the store like any other command.
//!
//! - `org_view`: every external user of the org and their Contacts, read in query batches.
//! - `org`: reconciliation with the org — drift between the lifecycle records and the org,
//!   classified, reported per person with the evidence, and repaired by policy.

pub mod org;
pub mod org_view;
