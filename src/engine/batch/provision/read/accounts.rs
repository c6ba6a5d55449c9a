//! The group's Accounts as the rows have them, and whose people their portal roles are read
//! for.

use super::{Family, ReadSetup, Wanted};
use crate::domain::{AccountRef, PortalRoleLevel, Provision};
use crate::engine::plan::{ObservedAccount, same_id};
use crate::salesforce::Record;

/// The rule puts the person above the lowest portal role level: their Account's roles are read.
pub(super) fn above_lowest(intent: &Provision) -> bool {
    intent.role.is_some_and(|l| l != PortalRoleLevel::User)
}

/// The Account the intent names, as the rows have it: `None` when none has its key or id, or
/// several have the key (none is chosen, as a single read does).
pub(super) fn account_of(
    setup: &ReadSetup<'_>,
    intent: &Provision,
    accounts: &[Record],
) -> Option<ObservedAccount> {
    let matching: Vec<&Record> = accounts
        .iter()
        .filter(|r| match &intent.account {
            AccountRef::Key(k) => r
                .text(&setup.keys.account)
                .is_some_and(|v| v.eq_ignore_ascii_case(k)),
            AccountRef::Id(id) => r.id().is_some_and(|v| same_id(v, id)),
        })
        .collect();
    let [record] = matching.as_slice() else {
        if matching.len() > 1 {
            tracing::warn!(
                accounts = matching.len(),
                "several Accounts carry the intent's key; none is chosen"
            );
        }
        return None;
    };
    Some(ObservedAccount {
        id: record.id()?.to_owned(),
        name: record.text("Name").unwrap_or_default().to_owned(),
        is_partner: record.flag("IsPartner").unwrap_or(false),
        owner_has_role: record
            .parent("Owner")
            .is_some_and(|o| o.text("UserRoleId").is_some()),
    })
}

/// The portal roles of the Accounts (by key, by id) whose people a rule puts above the lowest
/// level.
pub(super) fn role_families<'w>(
    setup: &ReadSetup<'_>,
    wanted: &'w [Wanted<'w>],
) -> [(Family, String, Vec<&'w str>); 2] {
    let roles = "SELECT Id, PortalType, PortalRole, PortalAccountId FROM UserRole WHERE";
    let ak = &setup.keys.account;
    let (mut keys, mut ids) = (Vec::new(), Vec::new());
    for w in wanted.iter().filter(|w| above_lowest(w.intent)) {
        match &w.intent.account {
            AccountRef::Key(k) => keys.push(k.as_str()),
            AccountRef::Id(id) => ids.push(id.as_str()),
        }
    }
    [
        (
            Family::RolesByKey,
            format!("{roles} PortalAccount.{ak} IN "),
            keys,
        ),
        (
            Family::RolesById,
            format!("{roles} PortalAccountId IN "),
            ids,
        ),
    ]
}
