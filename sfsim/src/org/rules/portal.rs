//! What makes a user external, and what Salesforce demands before a Contact can become one:
//! an Account, an Account owner with a role, a partner Account for partner users, and the
//! right kind of role.

use super::super::Org;
use super::super::portal_roles::{self, PortalKind};
use super::super::refusals::{integrity, refuse};
use crate::error::ApiError;

/// A user's kind, from its profile's `UserType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UserKind {
    /// `Standard`: an employee with a Salesforce licence.
    Internal,
    /// `CspLitePortal`: Customer Community, a high-volume licence without roles.
    CustomerCommunity,
    /// `PowerCustomerSuccess`: Customer Community Plus, with customer portal roles.
    CustomerPlus,
    /// `PowerPartner`: Partner Community, with partner roles, on partner Accounts only.
    Partner,
}

impl UserKind {
    /// The kind of a `UserType` value; unknown external types count as Customer Community.
    pub(crate) fn of(user_type: &str) -> UserKind {
        match user_type {
            "Standard" => UserKind::Internal,
            "PowerPartner" => UserKind::Partner,
            "PowerCustomerSuccess" => UserKind::CustomerPlus,
            _ => UserKind::CustomerCommunity,
        }
    }

    pub(crate) fn is_external(self) -> bool {
        self != UserKind::Internal
    }

    /// The portal roles users of this kind take, if any.
    pub(crate) fn portal(self) -> Option<PortalKind> {
        match self {
            UserKind::Partner => Some(PortalKind::Partner),
            UserKind::CustomerPlus => Some(PortalKind::Customer),
            _ => None,
        }
    }

    /// Customer users (not partners) switch on `Account.IsCustomerPortal`.
    pub(crate) fn is_customer(self) -> bool {
        matches!(self, UserKind::CustomerCommunity | UserKind::CustomerPlus)
    }
}

/// A profile's `UserType` and licence id.
pub(crate) fn profile_facts(org: &Org, profile_id: &str) -> (String, Option<String>) {
    let user_type = org
        .text_of(profile_id, "UserType")
        .unwrap_or_else(|| "Standard".to_owned());
    (user_type, org.text_of(profile_id, "UserLicenseId"))
}

/// The Account a Contact can be enabled under as a user of this kind; refuses when the
/// Contact has no Account, the Account's owner has no role, or a partner user's Account is
/// not a partner Account.
pub(crate) fn account_for_external(
    org: &Org,
    contact_id: &str,
    kind: UserKind,
) -> Result<String, ApiError> {
    let Some(account_id) = org.text_of(contact_id, "AccountId") else {
        return Err(integrity(
            "Cannot create a portal user for a contact that has no account",
            &["ContactId"],
        ));
    };
    let owner_role = org
        .text_of(&account_id, "OwnerId")
        .and_then(|owner| org.text_of(&owner, "UserRoleId"));
    if owner_role.is_none() {
        // Real orgs answer this with UNKNOWN_EXCEPTION, not FIELD_INTEGRITY_EXCEPTION: a client
        // that retries every UNKNOWN_EXCEPTION will retry this forever.
        return Err(refuse(
            "UNKNOWN_EXCEPTION",
            "portal account owner must have a role",
            &[],
        ));
    }
    let is_partner_account = org
        .store
        .get(&account_id)
        .is_some_and(|a| a.flag("IsPartner"));
    if kind == UserKind::Partner && !is_partner_account {
        return Err(integrity(
            "Cannot create a partner user for a contact whose account is not enabled as a partner account",
            &["ContactId"],
        ));
    }
    Ok(account_id)
}

/// The role a user of this kind on this Account (none for internal users) may take.
pub(crate) fn check_role(
    org: &Org,
    role_id: &str,
    kind: UserKind,
    account_id: Option<&str>,
) -> Result<(), ApiError> {
    match (kind.portal(), account_id) {
        _ if kind == UserKind::CustomerCommunity => Err(integrity(
            "Customer Community users are high-volume portal users and cannot have a role",
            &["UserRoleId"],
        )),
        (Some(portal), Some(account)) => {
            if portal_roles::belongs_to(org, role_id, account, portal) {
                Ok(())
            } else {
                Err(integrity(
                    "An external user can only take a portal role of its own account and user type",
                    &["UserRoleId"],
                ))
            }
        }
        _ if kind.is_external() => Err(integrity(
            "An external user can only take a portal role of its own account and user type",
            &["UserRoleId"],
        )),
        _ if portal_roles::is_portal_role(org, role_id) => Err(integrity(
            "Cannot assign a portal role to a user who is not an external user",
            &["UserRoleId"],
        )),
        _ => Ok(()),
    }
}
