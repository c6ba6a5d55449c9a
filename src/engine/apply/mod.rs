//! Applying a plan to the org: the writes, in an order that converges however often it runs.
//!
//! Imports run one way: `provision` and `deprovision` build on `welcome` and `role`, which
//! build on the leaves — `context` (what a provision needs, and how it records a checkpoint),
//! `checkpoint` (every crash-safety checkpoint, in one place), `fields`, `applied` and `error`.

mod applied;
mod checkpoint;
mod context;
mod deprovision;
mod error;
mod fields;
mod provision;
mod role;
mod welcome;

pub use applied::Applied;
pub use checkpoint::{Checkpoint, Earlier};
pub use context::ProvisionContext;
pub use deprovision::{apply_deprovision, deprovision_known_user};
pub use error::{AfterCreation, ApplyError, LICENSE_LIMIT_EXCEEDED, STORE_UNAVAILABLE};
pub(in crate::engine) use provision::{Candidates, change_steps, contact_step};
pub use provision::{MAX_CANDIDATES, NewPerson, apply_new_person, apply_provision};
pub use welcome::finish_earlier_creation;
pub(in crate::engine) use welcome::left_to_site;
