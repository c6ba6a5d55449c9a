//! The User a provision writes — created, updated, or kept — and the portal role it should
//! hold.

use serde_json::{Map, Value, json};

use super::contact::differ;
use super::{ProvisionPlan, RoleWrite, UserWrite, refusal, same_id};
use crate::domain::{PortalRoleLevel, Provision, WelcomeEmail};
use crate::engine::plan::observed::{Observed, ObservedAccount, ObservedProfile, ObservedUser};

/// `UserRole.PortalRole` of the role a first user takes under "minimize the number of roles":
/// shared by the owner's Accounts, it stands for the lowest level until the Account has its own.
const PERSON_ACCOUNT: &str = "PersonAccount";

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
    }
    .map(|held| {
        if held == PERSON_ACCOUNT {
            PortalRoleLevel::User.portal_role()
        } else {
            held
        }
    });
    (held != Some(level.portal_role())).then(|| RoleWrite {
        account_id: account_id.to_owned(),
        portal_type: profile.portal_type(),
        level,
    })
}

/// Refuses, before anything is written, a level the Account's roles show it will never have:
/// it has its portal roles of the profile's kind, but not that level (the org makes 1 to 3
/// levels per Account, as its "Number of partner roles" and "Number of customer roles" say).
/// Roles not read, or not made yet, say nothing: the write that sets the role finds out.
pub(super) fn check_level(
    intent: &Provision,
    profile: &ObservedProfile,
    account: &ObservedAccount,
    observed: &Observed,
) -> Result<(), ProvisionPlan> {
    let Some(level) = intent.role.filter(|_| profile.takes_portal_role()) else {
        return Ok(());
    };
    let portal_type = profile.portal_type();
    let own: Vec<&str> = observed
        .account_roles
        .iter()
        .flatten()
        .filter(|r| r.portal_type == portal_type && r.portal_role != PERSON_ACCOUNT)
        .map(|r| r.portal_role.as_str())
        .collect();
    if own.is_empty() || own.contains(&level.portal_role()) {
        return Ok(());
    }
    Err(refusal(
        "PORTAL_ROLE_NOT_FOUND",
        format!(
            "Account {} ({}) has {} {portal_type} portal role level(s) and no '{}' level; the org's number of {} roles per Account decides the levels",
            account.name,
            account.id,
            own.len(),
            level.name(),
            if portal_type == "Partner" {
                "partner"
            } else {
                "customer"
            },
        ),
    ))
}

pub(super) fn new_user_fields(intent: &Provision, profile_id: &str) -> Map<String, Value> {
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
