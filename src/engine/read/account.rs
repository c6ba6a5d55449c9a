//! The Account's side of a provision's read: the Account (by key or id) with its owner's role,
//! and — when the rule asks for a level above the lowest — its portal roles, both through
//! references to the Account's answer.

use crate::domain::{AccountRef, PortalRoleLevel, Provision};
use crate::engine::plan::{ObservedAccount, ObservedRole};
use crate::salesforce::{
    CallError, CompositeRequest, CompositeResponse, Lookup, MAX_QUERIES, Reference,
};

use super::KeyFields;

/// The reference of the Account's portal roles query.
pub(super) const ROLES: &str = "roles";

/// Adds the Account's portal roles query, first, when the rule asks for a level above the
/// lowest and the query still fits in the first request.
pub(super) fn with_account_roles(
    mut queries: Vec<(&'static str, String)>,
    intent: &Provision,
) -> Vec<(&'static str, String)> {
    let above_lowest = intent.role.is_some_and(|l| l != PortalRoleLevel::User);
    if above_lowest && queries.len() < MAX_QUERIES {
        let account = Reference::new("account", "Id");
        queries.insert(
            0,
            (
                ROLES,
                format!(
                    "SELECT Id, PortalType, PortalRole FROM UserRole WHERE PortalAccountId = '{}'",
                    account.as_str()
                ),
            ),
        );
    }
    queries
}

/// The Account's portal roles; `None` when they could not be read (no Account: the reference
/// to its answer fails).
pub(super) fn roles_of(response: &CompositeResponse) -> Option<Vec<ObservedRole>> {
    let records = response.get(ROLES)?.records().ok()?;
    Some(
        records
            .iter()
            .map(|r| ObservedRole {
                portal_type: r.text("PortalType").unwrap_or_default().to_owned(),
                portal_role: r.text("PortalRole").unwrap_or_default().to_owned(),
            })
            .collect(),
    )
}

/// The Account by key or id, and its owner's role through a reference to the Account's answer.
/// `IsPartner` is asked for only where it exists: in an org without a partner licence naming it
/// is `INVALID_FIELD` (Salesforce Help 005321769).
pub(super) fn request_account(
    request: &mut CompositeRequest,
    account: &AccountRef,
    keys: &KeyFields,
    partner_accounts: bool,
) {
    const FIELDS: [&str; 4] = ["Id", "Name", "OwnerId", "IsPartner"];
    let fields = if partner_accounts {
        &FIELDS[..]
    } else {
        &FIELDS[..3]
    };
    match account {
        AccountRef::Key(key) => {
            request.get_by_external_id("account", "Account", &keys.account, key, fields)
        }
        AccountRef::Id(id) => request.get("account", "Account", id.as_str(), fields),
    };
    request.get(
        "owner",
        "User",
        Reference::new("account", "OwnerId"),
        &["Id", "UserRoleId"],
    );
}

/// The Account read, `None` when no Account has the key or id (or several have the key).
pub(super) fn account_of(
    response: &CompositeResponse,
) -> Result<Option<ObservedAccount>, CallError> {
    let Some(answer) = response.get("account") else {
        return Ok(None);
    };
    let record = match answer.status {
        // Salesforce answers an unknown id like an unknown external id value.
        404 => return Ok(None),
        _ => match answer.lookup().map_err(CallError::Refused)? {
            Lookup::Found(record) => record,
            Lookup::Missing => return Ok(None),
            Lookup::Ambiguous(ids) => {
                tracing::warn!(
                    accounts = ids.len(),
                    "several Accounts carry the intent's key; none is chosen"
                );
                return Ok(None);
            }
        },
    };
    let Some(id) = record.id().map(str::to_owned) else {
        return Ok(None);
    };
    // The owner was read through a reference to the Account: its failure is a real one.
    let owner = response
        .get("owner")
        .map(|owner| owner.record().map_err(CallError::Refused))
        .transpose()?;
    Ok(Some(ObservedAccount {
        id,
        name: record.text("Name").unwrap_or_default().to_owned(),
        is_partner: record.flag("IsPartner").unwrap_or(false),
        owner_has_role: owner.is_some_and(|o| o.text("UserRoleId").is_some()),
    }))
}
