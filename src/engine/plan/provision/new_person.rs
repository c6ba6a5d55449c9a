//! A new person's writes planned without reading the org: the Contact upserted by its key
//! under the intent's Account, the user created on it. Only the lifecycle record's word that
//! the person is new, a known profile and a licence count with room back it; the org's
//! refusals (a Contact that has a user, an Account not eligible, no free licence) send the
//! command back to reading first.

use serde_json::{Value, json};

use super::contact::contact_fields;
use super::user::new_user_fields;
use super::{ContactWrite, ProvisionWrites, UserWrite};
use crate::domain::{AccountRef, PortalRoleLevel, Provision, WelcomeEmail};
use crate::engine::plan::observed::ObservedProfile;

/// Permission sets a new person's one request can carry: each takes a query, and the site
/// membership of the read-back one more, of the five a composite allows.
pub const MAX_SETS_WITHOUT_READ: usize = 4;

/// The writes of a new person, or `None` when the read must come first: a portal role above
/// the lowest (the read can refuse a level the Account lacks before anything is made, and the
/// role is looked up by the Account's id), or more permission sets than one request carries.
///
/// The Contact names its Account by the Account's external id, in the relationship field
/// (`"Account": {"<key field>": "P-100"}`), which Salesforce resolves on the write ("Insert or
/// Update (Upsert) a Record Using an External ID", REST API Developer Guide;
/// "Relating Records by Using an External ID", Apex Developer Guide); an Account given by id
/// goes in `AccountId`.
pub fn plan_new_person(
    intent: &Provision,
    profile: &ObservedProfile,
    account_key_field: &str,
) -> Option<ProvisionWrites> {
    let level = intent.role.filter(|_| profile.takes_portal_role());
    if level.is_some_and(|l| l != PortalRoleLevel::User)
        || intent.permission_sets.len() > MAX_SETS_WITHOUT_READ
    {
        return None;
    }
    let mut contact = contact_fields(intent);
    match &intent.account {
        AccountRef::Key(key) => {
            let mut parent = serde_json::Map::new();
            parent.insert(account_key_field.to_owned(), Value::String(key.clone()));
            contact.insert("Account".into(), Value::Object(parent));
        }
        AccountRef::Id(id) => {
            contact.insert("AccountId".into(), json!(id));
        }
    }
    Some(ProvisionWrites {
        contact: ContactWrite::Upsert { fields: contact },
        user: UserWrite::Create {
            fields: new_user_fields(intent, &profile.id),
        },
        unfreeze: None,
        assign: intent.permission_sets.clone(),
        send_welcome: intent.welcome_email == WelcomeEmail::PasswordReset,
        email_change: None,
        role: None,
    })
}

#[cfg(test)]
mod tests;
