//! Changes made "by hand": what an administrator does in Setup, not through the API. They go
//! through the org's rules like any write, but no API call is counted and no session made them,
//! so a client of the API sees them only by reading the org — which is what drift is.
//!
//! Moving an external user to another Account is the one side door: Salesforce refuses to move
//! a Contact linked to an enabled external user, yet orgs end up with such users (a user
//! re-created on another Account's Contact, a data fix by support). `move_to_account` writes the
//! Contact's and the user's `AccountId` directly, and gives a user that held a portal role the
//! new Account's lowest one.

use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::portal_roles;
use super::refusals::refuse;
use super::rules::portal::UserKind;
use super::{Org, not_found};
use crate::error::ApiError;
use crate::ids;

/// An external user made by hand: a Contact under `account` and its user.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandMadeUser {
    pub username: String,
    #[serde(default)]
    pub first_name: Option<String>,
    pub last_name: String,
    #[serde(default)]
    pub email: Option<String>,
    /// Profile name.
    pub profile: String,
    /// Account: its `Gatehouse_Key__c`, name or id.
    pub account: String,
    /// The Contact's `Gatehouse_Key__c`, if it has one.
    #[serde(default)]
    pub contact_key: Option<String>,
    #[serde(default = "yes")]
    pub active: bool,
    #[serde(default)]
    pub frozen: bool,
}

fn yes() -> bool {
    true
}

/// A change made by hand to one user; absent members stay as they are.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandChange {
    pub active: Option<bool>,
    pub frozen: Option<bool>,
    /// Profile name.
    pub profile: Option<String>,
    /// Role name (`UserRole.Name`), or `""` for none.
    pub role: Option<String>,
    /// Account: its `Gatehouse_Key__c`, name or id.
    pub account: Option<String>,
    /// `false` disables the external user for good.
    pub portal_enabled: Option<bool>,
}

impl Org {
    /// Creates a Contact and its external user by hand; returns `(user id, contact id)`.
    pub fn create_user_by_hand(
        &mut self,
        spec: &HandMadeUser,
    ) -> Result<(String, String), ApiError> {
        let account = self.account_named(&spec.account)?;
        let profile = self.named("Profile", "Name", &spec.profile)?;
        let email = spec.email.clone().unwrap_or_else(|| spec.username.clone());
        let contact = self.create(
            "Contact",
            &strip(json!({
                "FirstName": spec.first_name, "LastName": spec.last_name, "Email": email,
                "AccountId": account, "Gatehouse_Key__c": spec.contact_key,
            })),
        )?;
        let alias: String = spec
            .last_name
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(8)
            .collect();
        let user = self.create(
            "User",
            &strip(json!({
                "Username": spec.username, "FirstName": spec.first_name, "LastName": spec.last_name,
                "Email": email, "Alias": if alias.is_empty() { "user".to_owned() } else { alias },
                "TimeZoneSidKey": "Europe/London", "LocaleSidKey": "en_GB",
                "LanguageLocaleKey": "en_US", "EmailEncodingKey": "UTF-8",
                "ProfileId": profile, "ContactId": contact, "IsActive": spec.active,
            })),
        );
        let user = match user {
            Ok(user) => user,
            Err(e) => {
                self.store.remove(&contact);
                return Err(e);
            }
        };
        if spec.frozen {
            self.set_frozen(&user, true)?;
        }
        Ok((user, contact))
    }

    /// Applies a change by hand to the user with this id or username. Each part goes through
    /// the org's rules in turn (Account, profile, role, activation, freeze, disabling), and the
    /// first refusal stops the rest.
    pub fn change_user_by_hand(
        &mut self,
        user: &str,
        change: &HandChange,
    ) -> Result<String, ApiError> {
        let id = self.user_id_of(user)?;
        if let Some(account) = &change.account {
            self.move_to_account(&id, account)?;
        }
        if let Some(profile) = &change.profile {
            let profile = self.named("Profile", "Name", profile)?;
            self.update("User", &id, &strip(json!({"ProfileId": profile})))?;
        }
        if let Some(role) = &change.role {
            let role = if role.is_empty() {
                Value::Null
            } else {
                json!(self.named("UserRole", "Name", role)?)
            };
            self.update(
                "User",
                &id,
                &Map::from_iter([("UserRoleId".to_owned(), role)]),
            )?;
        }
        if let Some(active) = change.active {
            self.update("User", &id, &strip(json!({"IsActive": active})))?;
        }
        if let Some(frozen) = change.frozen {
            self.set_frozen(&id, frozen)?;
        }
        if change.portal_enabled == Some(false) {
            self.update("User", &id, &strip(json!({"IsPortalEnabled": false})))?;
        }
        Ok(id)
    }

    /// What a test checks after a change: the user's state in one object.
    pub fn user_summary(&self, id: &str) -> Value {
        let Some(user) = self.store.get(id) else {
            return Value::Null;
        };
        let frozen = self.user_login_of(id).is_some_and(|l| l.flag("IsFrozen"));
        json!({
            "Id": user.id, "Username": user.text("Username"), "IsActive": user.flag("IsActive"),
            "IsFrozen": frozen, "IsPortalEnabled": user.flag("IsPortalEnabled"),
            "ProfileId": user.text("ProfileId"), "UserRoleId": user.text("UserRoleId"),
            "AccountId": user.text("AccountId"), "ContactId": user.text("ContactId"),
        })
    }

    fn set_frozen(&mut self, user: &str, frozen: bool) -> Result<(), ApiError> {
        let login = self
            .user_login_of(user)
            .map(|l| l.id.clone())
            .ok_or_else(not_found)?;
        self.update("UserLogin", &login, &strip(json!({"IsFrozen": frozen})))
    }

    /// The side door: the user's Contact and the user itself move to another Account.
    fn move_to_account(&mut self, user: &str, account: &str) -> Result<(), ApiError> {
        let account = self.account_named(account)?;
        let contact = self.text_of(user, "ContactId").ok_or_else(|| {
            refuse(
                "FIELD_INTEGRITY_EXCEPTION",
                "an internal user has no Account to move",
                &[],
            )
        })?;
        let kind = UserKind::of(&self.text_of(user, "UserType").unwrap_or_default());
        let had_role = self.text_of(user, "UserRoleId").is_some();
        let role = match kind.portal() {
            Some(portal) if had_role => Some(portal_roles::ensure(self, &account, portal)),
            _ => None,
        };
        if let Some(mut record) = self.store.get_mut(&contact) {
            record.fields.insert("AccountId".into(), json!(account));
        }
        if let Some(mut record) = self.store.get_mut(user) {
            record.fields.insert("AccountId".into(), json!(account));
            if let Some(role) = role {
                record.fields.insert("UserRoleId".into(), json!(role));
            }
        }
        Ok(())
    }

    /// A user by id or username.
    fn user_id_of(&self, user: &str) -> Result<String, ApiError> {
        if let Some(id) = ids::to18(user).filter(|i| ids::key_prefix(i) == Some("005"))
            && self.store.get(&id).is_some()
        {
            return Ok(id);
        }
        self.user_by_username(user)
            .map(|u| u.id.clone())
            .ok_or_else(not_found)
    }

    /// An Account by `Gatehouse_Key__c`, name or id.
    fn account_named(&self, wanted: &str) -> Result<String, ApiError> {
        if let Some(id) = ids::to18(wanted).filter(|i| ids::key_prefix(i) == Some("001"))
            && self.store.get(&id).is_some()
        {
            return Ok(id);
        }
        self.named("Account", "Gatehouse_Key__c", wanted)
            .or_else(|_| self.named("Account", "Name", wanted))
    }

    /// The one record of `object` whose `field` is `value`.
    fn named(&self, object: &str, field: &str, value: &str) -> Result<String, ApiError> {
        let mut found = self.store.find(object, field, &json!(value));
        match (found.next(), found.next()) {
            (Some(one), None) => Ok(one.id.clone()),
            (None, _) => Err(refuse(
                "NOT_FOUND",
                format!("no {object} with {field} '{value}'"),
                &[],
            )),
            (Some(_), Some(_)) => Err(refuse(
                "DUPLICATE_VALUE",
                format!("several {object} records have {field} '{value}'"),
                &[],
            )),
        }
    }
}

/// A JSON object without its null members.
fn strip(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map.into_iter().filter(|(_, v)| !v.is_null()).collect(),
        _ => Map::new(),
    }
}
