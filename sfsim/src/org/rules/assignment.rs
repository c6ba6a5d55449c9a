//! Permission set assignments: one per user and permission set, and a permission set tied to a
//! licence only goes to users of that licence.

use super::super::refusals::{integrity, refuse};
use super::super::{Org, licences, site};
use super::Change;
use super::user::text;
use crate::error::ApiError;

/// Refuses a duplicate assignment and a licence mismatch.
pub(crate) fn before_create(org: &mut Org, change: &mut Change) -> Result<(), ApiError> {
    let assignee = text(change, "AssigneeId").unwrap_or_default();
    let permission_set = text(change, "PermissionSetId").unwrap_or_default();
    let duplicate = org
        .store
        .find(
            "PermissionSetAssignment",
            "AssigneeId",
            &serde_json::json!(assignee),
        )
        .any(|a| a.text("PermissionSetId") == Some(permission_set.as_str()));
    if duplicate {
        return Err(refuse(
            "DUPLICATE_VALUE",
            format!(
                "Duplicate PermissionSetAssignment. Assignee: {assignee}; Permission Set: {permission_set}"
            ),
            &[],
        ));
    }
    if let Some(required) = org.text_of(&permission_set, "LicenseId")
        && licences::of_user(org, &assignee).as_deref() != Some(required.as_str())
    {
        return Err(integrity(
            "The user license doesn't match the user license of the permission set",
            &["PermissionSetId"],
        ));
    }
    Ok(())
}

/// A member permission set brings its assignee into the site.
pub(crate) fn after_create(org: &mut Org, id: &str) {
    let assignee = org.text_of(id, "AssigneeId").unwrap_or_default();
    let permission_set = org.text_of(id, "PermissionSetId").unwrap_or_default();
    site::join_by_permission_set(org, &assignee, &permission_set);
}
