//! What the token endpoint asks of the org: who a username is, and whether that user may log in.

use serde_json::json;

use super::{Org, format_datetime};
use crate::ids;
use crate::record::Record;

impl Org {
    /// The user with this username (case-insensitive), active or not.
    pub fn user_by_username(&self, username: &str) -> Option<&Record> {
        self.store.find("User", "Username", &json!(username)).next()
    }

    /// The `UserLogin` record of a user.
    pub fn user_login_of(&self, user_id: &str) -> Option<&Record> {
        let id = ids::to18(user_id)?;
        self.store.find("UserLogin", "UserId", &json!(id)).next()
    }

    /// Whether the user may log in: active, and neither frozen nor password-locked.
    pub fn can_log_in(&self, user_id: &str) -> bool {
        let active = self.store.get(user_id).is_some_and(|u| u.flag("IsActive"));
        let blocked = self
            .user_login_of(user_id)
            .is_some_and(|l| l.flag("IsFrozen") || l.flag("IsPasswordLocked"));
        active && !blocked
    }

    /// Stamps `LastLoginDate` with the org's clock (the token endpoint calls it on success).
    pub fn record_login(&mut self, user_id: &str) {
        let now = format_datetime(self.now());
        if let Some(mut user) = self.store.get_mut(user_id) {
            user.fields.insert("LastLoginDate".into(), json!(now));
        }
    }
}
