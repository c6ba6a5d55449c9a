//! The User a provision writes — created, updated, or kept — and the portal role it should
//! hold.

use serde_json::{Map, Value, json};

use super::contact::differ;
use super::{RoleWrite, UserWrite, same_id};
use crate::domain::{PortalRoleLevel, Provision, WelcomeEmail};
use crate::engine::plan::observed::{ObservedProfile, ObservedUser};

/// The user's write, and what it asks of Salesforce besides.
pub(super) struct UserPlan {
    pub write: UserWrite,
    /// A new user is welcomed by a password reset.
    pub send_welcome: bool,
    /// The new Email written, which Salesforce applies at once and leaves unverified.
    pub email_change: Option<String>,
}

/// Creates a user when the Contact has none; else updates what differs.
pub(super) fn plan_user(
    intent: &Provision,
    user: Option<&ObservedUser>,
    profile: &ObservedProfile,
) -> UserPlan {
    let Some(u) = user else {
        return UserPlan {
            write: UserWrite::Create {
                fields: new_user_fields(intent, &profile.id),
            },
            send_welcome: intent.welcome_email == WelcomeEmail::PasswordReset,
            email_change: None,
        };
    };
    let mut fields = Map::new();
    if !u.is_active {
        fields.insert("IsActive".into(), json!(true));
    }
    if !same_id(&u.profile_id, &profile.id) {
        fields.insert("ProfileId".into(), json!(profile.id));
    }
    differ(
        &mut fields,
        "FirstName",
        u.first_name.as_deref(),
        intent.contact.first_name.as_deref(),
    );
    differ(
        &mut fields,
        "LastName",
        u.last_name.as_deref(),
        Some(&intent.contact.last_name),
    );
    let wanted = intent.contact.email.as_str();
    let email_is_current = u
        .email
        .as_deref()
        .is_some_and(|e| e.eq_ignore_ascii_case(wanted));
    // An external user's Email changed through the API applies at once, with no confirmation
    // asked of the person, and leaves the address unverified (`HasUserVerifiedEmail` false,
    // Salesforce Help 005103627): the next read shows it, so a rerun has nothing to repeat.
    let mut email_change = None;
    if !email_is_current {
        fields.insert("Email".into(), json!(wanted));
        email_change = Some(wanted.to_owned());
    }
    let write = if fields.is_empty() {
        UserWrite::Keep { id: u.id.clone() }
    } else {
        UserWrite::Update {
            id: u.id.clone(),
            fields,
        }
    };
    UserPlan {
        write,
        send_welcome: false,
        email_change,
    }
}

/// The portal role to set, when the rule names a level the user does not hold (or will not
/// get on creation). External users never take internal roles, and Customer Community users
/// take none: a level asked for a profile without portal roles is left alone.
pub(super) fn plan_role(
    intent: &Provision,
    profile: &ObservedProfile,
    account_id: &str,
    write: &UserWrite,
    user: Option<&ObservedUser>,
) -> Option<RoleWrite> {
    let level = intent.role.filter(|_| profile.takes_portal_role())?;
    let held = match (write, user) {
        // Salesforce gives a new user the lowest level of the Account's portal roles.
        (UserWrite::Create { .. }, _) => Some(PortalRoleLevel::User.portal_role()),
        (_, Some(u)) => u.portal_role.as_deref(),
        (_, None) => None,
    };
    (held != Some(level.portal_role())).then(|| RoleWrite {
        account_id: account_id.to_owned(),
        portal_type: profile.portal_type(),
        level,
    })
}

fn new_user_fields(intent: &Provision, profile_id: &str) -> Map<String, Value> {
    let u = &intent.user;
    let mut fields = Map::new();
    fields.insert("Username".into(), json!(u.username));
    if let Some(first) = &intent.contact.first_name {
        fields.insert("FirstName".into(), json!(first));
    }
    fields.insert("LastName".into(), json!(intent.contact.last_name));
    fields.insert("Email".into(), json!(intent.contact.email));
    fields.insert("Alias".into(), json!(u.alias));
    fields.insert("CommunityNickname".into(), json!(u.nickname));
    fields.insert("TimeZoneSidKey".into(), json!(u.time_zone));
    fields.insert("LocaleSidKey".into(), json!(u.locale));
    fields.insert("EmailEncodingKey".into(), json!(u.email_encoding));
    fields.insert("LanguageLocaleKey".into(), json!(u.language));
    fields.insert("ProfileId".into(), json!(profile_id));
    if let Some(federation) = &u.federation_id {
        fields.insert("FederationIdentifier".into(), json!(federation));
    }
    fields
}
