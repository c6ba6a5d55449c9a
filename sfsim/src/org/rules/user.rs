//! Creating users: the licence follows the profile, an external user needs a Contact that has
//! no user yet, under an Account whose owner has a role; partner and Plus users get their
//! Account's portal role; each user gets a `UserLogin`; members of the site join it.

use serde_json::{Value, json};

use super::super::refusals::{integrity, refuse};
use super::super::{Org, licences, portal_roles, site};
use super::Change;
use super::portal::{self, UserKind};
use crate::error::ApiError;

/// Checks a new user and fills what the org derives: `UserType`, `AccountId`,
/// `IsPortalEnabled`, a nickname when none was sent, a portal role for partner and Plus users.
pub(crate) fn before_create(org: &mut Org, change: &mut Change) -> Result<(), ApiError> {
    let profile_id = text(change, "ProfileId").unwrap_or_default();
    let (user_type, licence_id) = portal::profile_facts(org, &profile_id);
    let kind = UserKind::of(&user_type);
    let active = change
        .get("IsActive")
        .and_then(Value::as_bool)
        .unwrap_or(true);
    let contact_id = text(change, "ContactId");

    let account_id = match (&contact_id, kind.is_external()) {
        (None, true) => {
            return Err(integrity(
                "Cannot create a portal user without contact",
                &["ContactId"],
            ));
        }
        (Some(_), false) => {
            return Err(integrity(
                "Cannot link a contact to a user whose profile is not an external user profile",
                &["ContactId"],
            ));
        }
        (None, false) => None,
        (Some(contact), true) => {
            if linked_user(org, contact).is_some() {
                return Err(refuse(
                    "PORTAL_USER_ALREADY_EXISTS_FOR_CONTACT",
                    "portal user already exists for contact",
                    &[],
                ));
            }
            Some(portal::account_for_external(org, contact, kind)?)
        }
    };

    let role = text(change, "UserRoleId");
    if let Some(role) = &role {
        portal::check_role(org, role, kind, account_id.as_deref())?;
    }
    if active && let Some(licence) = &licence_id {
        licences::ensure_room(org, licence)?;
    }

    // Every check passed: from here on the user will be stored.
    if let (Some(portal_kind), Some(account)) = (kind.portal(), &account_id) {
        let worker = portal_roles::ensure(org, account, portal_kind);
        if role.is_none() {
            change.insert("UserRoleId".into(), json!(worker));
        }
    }
    if text(change, "CommunityNickname").is_none() {
        let nickname = next_nickname(org);
        change.insert("CommunityNickname".into(), json!(nickname));
    }
    change.insert("IsActive".into(), json!(active));
    change.insert("UserType".into(), json!(user_type));
    change.insert("AccountId".into(), json!(account_id));
    change.insert("IsPortalEnabled".into(), json!(kind.is_external()));
    // A new user's address is not verified until the person does it (Help 002723585).
    change.insert("HasUserVerifiedEmail".into(), json!(false));
    Ok(())
}

/// A new user's login record, site membership, its Account's customer flag and licence count.
pub(crate) fn after_create(org: &mut Org, id: &str) {
    let mut login = serde_json::Map::new();
    login.insert("UserId".into(), json!(id));
    org.insert_system("UserLogin", login);
    follow_user_change(org, id);
}

/// What follows any write of a user: its Account becomes a customer portal Account with its
/// first customer user (and stays one), licence counts, site membership of its profile.
pub(crate) fn follow_user_change(org: &mut Org, id: &str) {
    let kind = UserKind::of(&org.text_of(id, "UserType").unwrap_or_default());
    if kind.is_customer()
        && let Some(account) = org.text_of(id, "AccountId")
        && let Some(mut record) = org.store.get_mut(&account)
    {
        record.fields.insert("IsCustomerPortal".into(), json!(true));
    }
    licences::recount_user(org, id);
    site::join_by_profile(org, id);
    follow_profile_set(org, id);
}

/// The user's assignment of its profile's own permission set: Salesforce lists it in
/// `PermissionSetAssignment` beside the assigned sets, and moves it when the profile changes.
fn follow_profile_set(org: &mut Org, user_id: &str) {
    let Some(profile) = org.text_of(user_id, "ProfileId") else {
        return;
    };
    let owned: Vec<(String, bool)> = org
        .records_of("PermissionSet")
        .filter(|s| s.get("IsOwnedByProfile").and_then(Value::as_bool) == Some(true))
        .map(|s| {
            let mine = s.get("ProfileId").and_then(Value::as_str) == Some(profile.as_str());
            (s.id.clone(), mine)
        })
        .collect();
    let Some((set, _)) = owned.iter().find(|(_, mine)| *mine) else {
        return;
    };
    let held = org
        .store
        .find("PermissionSetAssignment", "AssigneeId", &json!(user_id))
        .find(|a| {
            owned
                .iter()
                .any(|(s, _)| a.get("PermissionSetId").and_then(Value::as_str) == Some(s.as_str()))
        })
        .map(|a| a.id.clone());
    match held {
        Some(assignment) => {
            if let Some(mut record) = org.store.get_mut(&assignment) {
                record.fields.insert("PermissionSetId".into(), json!(set));
            }
        }
        None => {
            let mut values = serde_json::Map::new();
            values.insert("AssigneeId".into(), json!(user_id));
            values.insert("PermissionSetId".into(), json!(set));
            org.insert_system("PermissionSetAssignment", values);
        }
    }
}

/// The user linked to a Contact, if any (active or not: a deactivated user still holds it).
pub(crate) fn linked_user(org: &Org, contact_id: &str) -> Option<String> {
    org.store
        .find("User", "ContactId", &json!(contact_id))
        .next()
        .map(|u| u.id.clone())
}

/// A nickname no user has, in the style Salesforce invents (`User1700000000001`).
fn next_nickname(org: &mut Org) -> String {
    loop {
        org.nicknames += 1;
        let candidate = format!("User{}", 1_700_000_000_000u64 + org.nicknames);
        let taken = org
            .store
            .find("User", "CommunityNickname", &json!(candidate))
            .next()
            .is_some();
        if !taken {
            return candidate;
        }
    }
}

/// A text value of the change, if set.
pub(crate) fn text(change: &Change, field: &str) -> Option<String> {
    change.get(field).and_then(Value::as_str).map(str::to_owned)
}
