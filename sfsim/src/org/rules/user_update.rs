//! Changing users: deactivation frees the licence and reactivation takes one; a profile change
//! may move the user to another licence; roles must suit the user; an Email change may wait for
//! confirmation; `IsPortalEnabled = false` disables the external user for good.

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

/// Checks a change to user `id` and completes it with what follows from it.
pub(crate) fn before_update(org: &mut Org, id: &str, change: &mut Change) -> Result<(), ApiError> {
    let Some(current) = org.store.get(id).cloned() else {
        return Ok(());
    };
    let was_enabled = current.flag("IsPortalEnabled");
    let was_active = current.flag("IsActive");
    let account = current.text("AccountId").map(str::to_owned);
    let old_profile = current.text("ProfileId").unwrap_or_default().to_owned();
    let (_, old_licence) = portal::profile_facts(org, &old_profile);
    let old_kind = UserKind::of(current.text("UserType").unwrap_or("Standard"));

    let disabling = match change.remove("IsPortalEnabled").and_then(|v| v.as_bool()) {
        Some(true) if !was_enabled => {
            return Err(integrity(
                "IsPortalEnabled can only be switched off; to enable a contact again, create a new user for it",
                &["IsPortalEnabled"],
            ));
        }
        Some(false) => was_enabled,
        _ => false,
    };

    let new_profile = text(change, "ProfileId").unwrap_or_else(|| old_profile.clone());
    let (new_type, new_licence) = portal::profile_facts(org, &new_profile);
    let new_kind = UserKind::of(&new_type);
    if new_profile != old_profile {
        check_profile_move(
            org,
            &current,
            old_kind,
            new_kind,
            &old_licence,
            &new_licence,
        )?;
        change.insert("UserType".into(), json!(new_type));
    }

    let active_after = !disabling
        && change
            .get("IsActive")
            .and_then(Value::as_bool)
            .unwrap_or(was_active);
    if active_after && (!was_active || new_licence != old_licence) {
        if old_kind.is_external() && !was_enabled {
            return Err(integrity(
                "A disabled external user cannot be reactivated; create a new user for the contact",
                &["IsActive"],
            ));
        }
        if let Some(licence) = &new_licence {
            licences::ensure_room(org, licence)?;
        }
    }

    let mut needs_portal_role = false;
    if !disabling {
        match change.get("UserRoleId").and_then(Value::as_str) {
            Some(role) => portal::check_role(org, role, new_kind, account.as_deref())?,
            None if change.contains_key("UserRoleId") => {}
            None => {
                let role = current.text("UserRoleId");
                let role_fits = role.is_some_and(|r| {
                    portal::check_role(org, r, new_kind, account.as_deref()).is_ok()
                });
                if new_kind == UserKind::CustomerCommunity && role.is_some() {
                    change.insert("UserRoleId".into(), Value::Null);
                } else if new_kind.portal().is_some() && !role_fits {
                    needs_portal_role = true;
                }
            }
        }
    }

    // Every check passed: what follows may now change the org.
    if org.settings.email_change_needs_confirmation
        && let Some(new_email) = change
            .remove("Email")
            .and_then(|v| v.as_str().map(str::to_owned))
    {
        hold_email_change(
            org,
            id,
            current.text("Email").unwrap_or_default(),
            &new_email,
        );
    }
    if needs_portal_role && let (Some(portal_kind), Some(account)) = (new_kind.portal(), &account) {
        let worker = portal_roles::ensure(org, account, portal_kind);
        change.insert("UserRoleId".into(), json!(worker));
    }
    if disabling {
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
    Ok(())
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
    current: &crate::record::Record,
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

/// Keeps the old address, remembers the new one and mails it a confirmation link — again on
/// every request for the same change, which is what makes a naive client mail people forever.
fn hold_email_change(org: &mut Org, id: &str, current: &str, new_email: &str) {
    if new_email.eq_ignore_ascii_case(current) {
        org.pending_emails.remove(id);
        return;
    }
    org.pending_emails
        .insert(id.to_owned(), new_email.to_owned());
    let now = org.now();
    org.outbox
        .send(EmailKind::EmailChangeVerification, new_email, id, now);
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
        if let Some(user) = self.store.get_mut(&id) {
            user.fields.insert("Email".into(), json!(new_email));
        }
        true
    }

    /// The Email change waiting for confirmation for a user, if any.
    pub fn pending_email_change(&self, user_id: &str) -> Option<&str> {
        let id = ids::to18(user_id)?;
        self.pending_emails.get(&id).map(String::as_str)
    }
}
