//! The key fields: on Contact and Account, visible to the run-as user, and external ids.

use super::checklist::Check;
use super::org_view::{FieldSeen, Seen};
use crate::report;

/// One check per key field: Gatehouse finds people and Accounts by them (upserts and GETs by
/// external id), so a missing one fails every provision.
pub(super) fn key_field(object: &str, field: &str, seen: &Seen<Vec<FieldSeen>>) -> Check {
    let name = format!("key field {object}.{field}");
    let fields = match seen {
        Ok(fields) => fields,
        Err(e) => {
            return Check::fail(
                name,
                format!(
                    "the run-as user cannot describe {object}: {}",
                    report::chain(e)
                ),
                format!(
                    "give the run-as user read access to {object} (the Gatehouse_Integration permission set has it)"
                ),
            );
        }
    };
    match fields.iter().find(|f| f.name.eq_ignore_ascii_case(field)) {
        Some(found) if found.external_id => Check::pass(name, "exists, visible, an external id"),
        Some(_) => Check::fail(
            name,
            "exists and is visible, but is not an External ID: upserts and reads by key are refused",
            format!("edit the field on {object} and tick External ID (and Unique)"),
        ),
        None => Check::fail(
            name,
            format!("not in the run-as user's describe of {object}"),
            format!(
                "either the field does not exist: deploy salesforce/ (sf project deploy start) or create a Text field {field} on {object} marked External ID and Unique; \
                 or it exists but the run-as user cannot see it: grant Read and Edit on it (field-level security) through the Gatehouse_Integration permission set"
            ),
        ),
    }
}
