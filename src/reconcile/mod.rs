//! Reconciliation: periodic comparisons of what Gatehouse believes with what the org and the
//! sources say, acted on through the ordinary queue (`store.enqueue`), so every change they make
//! is a command like any other: it waits its turn, passes the mass-deprovision guard and lands in
//! the lifecycle records.
//!
//! - `roster/`: a source's full list of its current people (uploaded, or read from a file on a
//!   schedule) against who has access from that source.
//! - `org_view`: every external user of the org and their Contacts, read in query batches.
//! - `org/`: reconciliation with the org — drift between the lifecycle records and the org,
//!   classified, reported per person with the evidence, and repaired by policy.

pub mod org;
pub mod org_view;
pub mod roster;
