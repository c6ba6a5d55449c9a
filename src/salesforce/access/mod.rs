//! What the integration user must hold: the table of every Salesforce call Gatehouse makes and
//! the permissions each needs (`salesforce/access.toml`, shared with sfsim and the docs), the
//! run-as user's grants as the org reports them, and what of the table they lack.
//!
//! - `table`: the parsed table, and [`Uses`]: which of its situations apply.
//! - `uses`: [`Uses::of`] a configuration, read from its rules and topics.
//! - `render`: the table as `docs/salesforce-permissions.md`.
//! - `grants`: the run-as user's permissions read from the org in two calls.
//! - `check`: the table against the grants, as findings that name the fix.

mod check;
mod grants;
mod render;
mod table;
mod uses;

pub use check::{Finding, KeyFieldNames, check_run_as_user, missing};
pub use grants::{Grants, ObjectGrant, read_grants};
pub use render::{PAGE as PERMISSIONS_PAGE, render_markdown};
pub use table::{
    AccessRow, AccessTable, FREEZE_SET, FieldAccess, FieldNeed, INTEGRATION_SET, KeyRole,
    ObjectAccess, Refusal, Source, TABLE_TOML, Uses, When,
};

#[cfg(test)]
mod tests;
