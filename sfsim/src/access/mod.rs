//! Who may do what: the permissions a user holds (the profile's own permission set and every
//! assigned one), the table of what each call needs (`salesforce/access.toml`, shared with
//! Gatehouse and its docs), and the check the data API runs on every call it answers for a
//! session, refusing as a real org does.
//!
//! - `grants`: a user's effective permissions, summed from the org's own records
//!   (`PermissionSet` flags, `ObjectPermissions`, `FieldPermissions`), so what the API shows and
//!   what it enforces cannot differ.
//! - `table`: the shared table's needs by object (or resource) and operation.
//! - `metadata`: permission sets as shipped in Salesforce metadata XML, for fixtures.
//! - `check`: the refusals.
//! - `visible`: the schema as one user sees it, for SOQL.

mod check;
mod grants;
mod metadata;
mod table;
mod visible;

pub use check::{Access, Operation};
pub use grants::Grants;
pub use metadata::{MetadataError, PermissionSetGrants, shipped_permission_set};
pub use visible::Visible;

#[cfg(test)]
mod tests;
