//! Portal roles: a partner or Customer Community Plus user moved to their Account's role of
//! the level the rule names.

use serde_json::json;

use super::error::ApplyError;
use super::fields::fields;
use crate::engine::plan::RoleWrite;
use crate::salesforce::soql::quote;
use crate::salesforce::{CompositeRequest, CompositeResponse, RecordRef, Reference};

/// Looks up the Account's portal role of the level and moves the user to it, in the same
/// request (the user update refers to the query's answer). The user is named by id, or by a
/// reference to its creation in the same request.
pub(super) fn move_to_role(
    request: &mut CompositeRequest,
    role: &RoleWrite,
    user: impl Into<RecordRef>,
) {
    request.query(
        "role",
        &format!(
            "SELECT Id FROM UserRole WHERE PortalAccountId = {} AND PortalType = {} AND PortalRole = {}",
            quote(&role.account_id),
            quote(role.portal_type),
            quote(role.level.portal_role())
        ),
    );
    request.update(
        "role_user",
        "User",
        user,
        fields(json!({"UserRoleId": Reference::new("role", "records[0].Id").as_str()})),
    );
}

/// Refuses for good when the lookup found no role of the level: the Account does not have it
/// (an org set to fewer levels, or the first user under "minimize the number of roles"), and
/// asking again will not make it. Without this the move would fail as `PROCESSING_HALTED`
/// (its reference unresolved), which is retried as if the org might change its mind.
pub(super) fn role_found(response: &CompositeResponse, role: &RoleWrite) -> Result<(), ApplyError> {
    let Some(answer) = response.get("role") else {
        return Ok(());
    };
    match answer.records() {
        Ok(records) if records.is_empty() => Err(ApplyError::refused(
            "PORTAL_ROLE_NOT_FOUND",
            format!(
                "Account {} has no {} portal role at level '{}': the org makes 1 to 3 levels per Account (its number of partner or customer roles), and with \"minimize the number of roles\" none until the Account's second user",
                role.account_id,
                role.portal_type,
                role.level.name()
            ),
        )),
        _ => Ok(()),
    }
}
