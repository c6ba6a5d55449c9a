//! Portal roles: a partner or Customer Community Plus user moved to their Account's role of
//! the level the rule names.

use serde_json::json;

use super::fields::fields;
use crate::engine::plan::RoleWrite;
use crate::salesforce::soql::quote;
use crate::salesforce::{CompositeRequest, Reference};

/// Looks up the Account's portal role of the level and moves the user to it, in the same
/// request (the user update refers to the query's answer).
pub(super) fn move_to_role(request: &mut CompositeRequest, role: &RoleWrite, user_id: &str) {
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
        user_id,
        fields(json!({"UserRoleId": Reference::new("role", "records[0].Id").as_str()})),
    );
}
