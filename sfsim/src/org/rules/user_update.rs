//! Changing users: deactivation frees the licence and reactivation takes one; a profile change
//! may move the user to another licence; roles must suit the user; an external user's Email
//! change applies at once, unverified, while an internal user's may wait for confirmation;
//! `IsPortalEnabled = false` disables the external user for good.

use serde_json::{Value, json};

use super::super::emails::EmailKind;
use super::super::refusals::integrity;
use super::super::{Org, licences, portal_roles};
use super::Change;
use super::portal::{self, UserKind};
use super::uniqueness;
use super::user::{follow_user_change, text};
use crate::error::ApiError;
use crate::ids;
use crate::record::Record;

/// The user as it is before a change, as far as the checks need it.
struct Before {
    portal_enabled: bool,
    active: bool,
    account: Option<String>,
    profile: String,
    licence: Option<String>,
    kind: UserKind,
}

impl Before {
    fn of(org: &Org, current: &Record) -> Self {
        let profile = current.text("ProfileId").unwrap_or_default().to_owned();
        let (_, licence) = portal::profile_facts(org, &profile);
        Before {
            portal_enabled: current.flag("IsPortalEnabled"),
            active: current.flag("IsActive"),
            account: current.text("AccountId").map(str::to_owned),
            profile,
            licence,
            kind: UserKind::of(current.text("UserType").unwrap_or("Standard")),
        }
    }
}

/// The kind of user and the licence the change leaves, from its profile.
struct After {
    kind: UserKind,
    licence: Option<String>,
}

/// Checks a change to user `id` and completes it with what follows from it. Every check runs
/// before anything in the org changes, so a refused change leaves no trace.
pub(crate) fn before_update(org: &mut Org, id: &str, change: &mut Change) -> Result<(), ApiError> {
    let Some(current) = org.store.get(id).cloned() else {
        return Ok(());
    };
    let before = Before::of(org, &current);
    let disabling = portal_disabling(change, before.portal_enabled)?;
    let after = check_profile_change(org, &current, &before, change)?;
    check_activation(org, &before, &after, change, disabling)?;
    let needs_portal_role =
        !disabling && check_role_change(org, &current, &before, after.kind, change)?;

    // Every check passed: what follows may now change the org.
    email_change(org, id, &current, before.kind, change);
    if needs_portal_role
        && let (Some(portal_kind), Some(account)) = (after.kind.portal(), &before.account)
    {
        let worker = portal_roles::ensure(org, account, portal_kind);
        change.insert("UserRoleId".into(), json!(worker));
    }
    if disabling {
        disable(org, id, &current, change);
    }
    Ok(())
}

/// Whether the change switches the external user off (`IsPortalEnabled = false`); switching it
/// back on is refused, as Salesforce does.
fn portal_disabling(change: &mut Change, was_enabled: bool) -> Result<bool, ApiError> {
    match change.remove("IsPortalEnabled").and_then(|v| v.as_bool()) {
        Some(true) if !was_enabled => Err(integrity(
            "IsPortalEnabled can only be switched off; to enable a contact again, create a new user for it",
            &["IsPortalEnabled"],
        )),
        Some(false) => Ok(was_enabled),
        _ => Ok(false),
    }
}

/// The kind and licence after the change; a new profile is checked and sets `UserType`.
fn check_profile_change(
    org: &Org,
    current: &Record,
    before: &Before,
    change: &mut Change,
) -> Result<After, ApiError> {
    let new_profile = text(change, "ProfileId").unwrap_or_else(|| before.profile.clone());
    let (new_type, licence) = portal::profile_facts(org, &new_profile);
    let kind = UserKind::of(&new_type);
    if new_profile != before.profile {
        check_profile_move(org, current, before.kind, kind, &before.licence, &licence)?;
        change.insert("UserType".into(), json!(new_type));
    }
    Ok(After { kind, licence })
}

/// A user active after the change on another licence, or active again, needs room on it; a
/// disabled external user is never reactivated.
fn check_activation(
    org: &Org,
    before: &Before,
    after: &After,
    change: &Change,
    disabling: bool,
) -> Result<(), ApiError> {
    let active_after = !disabling
        && change
            .get("IsActive")
            .and_then(Value::as_bool)
            .unwrap_or(before.active);
    if active_after && (!before.active || after.licence != before.licence) {
        if before.kind.is_external() && !before.portal_enabled {
            return Err(integrity(
                "A disabled external user cannot be reactivated; create a new user for the contact",
                &["IsActive"],
            ));
        }
        if let Some(licence) = &after.licence {
            licences::ensure_room(org, licence)?;
        }
    }
    Ok(())
}

/// Checks a role the change names; without one, a Customer Community user loses its role and
/// another external user whose role no longer fits needs a portal role (the answer: true).
fn check_role_change(
    org: &Org,
    current: &Record,
    before: &Before,
    new_kind: UserKind,
    change: &mut Change,
) -> Result<bool, ApiError> {
    let account = before.account.as_deref();
    match change.get("UserRoleId").and_then(Value::as_str) {
        Some(role) => portal::check_role(org, role, new_kind, account)?,
        None if change.contains_key("UserRoleId") => {}
        None => {
            let role = current.text("UserRoleId");
            let role_fits =
                role.is_some_and(|r| portal::check_role(org, r, new_kind, account).is_ok());
            if new_kind == UserKind::CustomerCommunity && role.is_some() {
                change.insert("UserRoleId".into(), Value::Null);
            } else if new_kind.portal().is_some() && !role_fits {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// A disabled external user loses its Contact, Account and role and is renamed, freeing its
/// username for a new user.
fn disable(org: &Org, id: &str, current: &Record, change: &mut Change) {
    let username = text(change, "Username")
        .unwrap_or_else(|| current.text("Username").unwrap_or_default().to_owned());
    let renamed = disabled_username(org, id, &username);
    change.insert("Username".into(), json!(renamed));
    change.insert("IsActive".into(), json!(false));
    change.insert("IsPortalEnabled".into(), json!(false));
    change.insert("ContactId".into(), Value::Null);
    change.insert("AccountId".into(), Value::Null);
    change.insert("UserRoleId".into(), Value::Null);
}

/// What follows a user change: licence counts, site membership of a new profile, the
/// Account's customer flag.
pub(crate) fn after_update(org: &mut Org, id: &str) {
    follow_user_change(org, id);
}

/// Internal and external profiles never mix; between external licences the move is refused
/// unless the org is told to allow it; a partner profile needs a partner Account.
fn check_profile_move(
    org: &Org,
    current: &Record,
    old_kind: UserKind,
    new_kind: UserKind,
    old_licence: &Option<String>,
    new_licence: &Option<String>,
) -> Result<(), ApiError> {
    if old_kind.is_external() != new_kind.is_external() {
        return Err(integrity(
            "Cannot change a user between an internal profile and an external user profile",
            &["ProfileId"],
        ));
    }
    if old_kind.is_external()
        && old_licence != new_licence
        && org.settings.refuse_cross_licence_profile_change
    {
        return Err(integrity(
            "Cannot change the profile of an external user to a profile with a different user license",
            &["ProfileId"],
        ));
    }
    if new_kind == UserKind::Partner
        && old_kind != UserKind::Partner
        && let Some(contact) = current.text("ContactId")
    {
        portal::account_for_external(org, contact, new_kind)?;
    }
    Ok(())
}

/// An Email change. An external user's applies at once, without any email sent, and leaves
/// the address unverified (`HasUserVerifiedEmail` false): Salesforce asks for confirmation only
/// when the person changes their own address (Help 005103627). An internal user's waits for
/// confirmation where the org is set to hold it.
fn email_change(org: &mut Org, id: &str, current: &Record, kind: UserKind, change: &mut Change) {
    let Some(new_email) = change
        .get("Email")
        .and_then(Value::as_str)
        .map(str::to_owned)
    else {
        return;
    };
    let old = current.text("Email").unwrap_or_default();
    if kind.is_external() {
        if !new_email.eq_ignore_ascii_case(old) {
            change.insert("HasUserVerifiedEmail".into(), json!(false));
        }
    } else if org.settings.email_change_needs_confirmation {
        change.remove("Email");
        hold_email_change(org, id, old, &new_email);
    }
}

/// Keeps the old address, remembers the new one and mails it a confirmation link — again on
/// every request for the same change, which is what makes a naive client mail people forever.
fn hold_email_change(org: &mut Org, id: &str, current: &str, new_email: &str) {
    if new_email.eq_ignore_ascii_case(current) {
        org.pending_emails.remove(id);
        return;
    }
    org.pending_emails
        .insert(id.to_owned(), new_email.to_owned());
    org.send_email(EmailKind::EmailChangeVerification, new_email, id);
}

/// The username a disabled external user is left with, freeing the old one:
/// `jane@acme.com` → `jane@acme.com.disabled.20240501120000` (then `-2`, `-3`… if taken).
fn disabled_username(org: &Org, id: &str, username: &str) -> String {
    let stamp = org.now().format("%Y%m%d%H%M%S").to_string();
    let mut attempt = 1;
    loop {
        let suffix = match attempt {
            1 => format!(".disabled.{stamp}"),
            n => format!(".disabled.{stamp}-{n}"),
        };
        let room = 80usize.saturating_sub(suffix.len());
        let stem: String = username.chars().take(room).collect();
        let candidate = format!("{stem}{suffix}");
        if !uniqueness::username_in_use(org, &candidate, Some(id)) || attempt > 1000 {
            return candidate;
        }
        attempt += 1;
    }
}

impl Org {
    /// Applies a User Email change held for confirmation (as if the user clicked the link).
    /// Returns false when none is pending for the user.
    pub fn confirm_email_change(&mut self, user_id: &str) -> bool {
        let Some(id) = ids::to18(user_id) else {
            return false;
        };
        let Some(new_email) = self.pending_emails.remove(&id) else {
            return false;
        };
        if let Some(mut user) = self.store.get_mut(&id) {
            user.fields.insert("Email".into(), json!(new_email));
        }
        true
    }

    /// Marks the user's address verified, as the person does by following a verification
    /// link or setting a password from the welcome email. Returns false when no such user.
    pub fn verify_email(&mut self, user_id: &str) -> bool {
        let Some(id) = ids::to18(user_id) else {
            return false;
        };
        let Some(mut user) = self.store.get_mut(&id) else {
            return false;
        };
        user.fields
            .insert("HasUserVerifiedEmail".into(), json!(true));
        true
    }

    /// The Email change waiting for confirmation for a user, if any.
    pub fn pending_email_change(&self, user_id: &str) -> Option<&str> {
        let id = ids::to18(user_id)?;
        self.pending_emails.get(&id).map(String::as_str)
    }
}
