//! What the token endpoint asks of the org: who a username is, and whether that user may log in.

use chrono::{DateTime, Utc};
use serde_json::{Value, json};

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

impl Org {
    /// A login at `at` (the org's now when `None`) for a user named by id or username, as the
    /// token endpoint would record it. Answers the user's id and the login's time, or why the
    /// login cannot be: a login now needs a user who may log in; one in the past (history for
    /// a fixture) only needs the user, and none may be after the org's now.
    pub fn check_login(
        &self,
        user: &str,
        at: Option<DateTime<Utc>>,
    ) -> Result<(String, DateTime<Utc>), String> {
        let id = self
            .login_user_id(user)
            .ok_or_else(|| format!("no user {user:?} (give a User id or a username)"))?;
        let now = self.now();
        match at {
            None if !self.can_log_in(&id) => Err(format!(
                "user {user:?} cannot log in now (inactive, frozen or locked)"
            )),
            Some(at) if at > now => Err(format!("a login at {at} is after the org's now ({now})")),
            _ => Ok((id, at.unwrap_or(now))),
        }
    }

    /// Stamps a checked login on the user: `LastLoginDate` moves forward, never back.
    pub fn stamp_login(&mut self, user_id: &str, at: DateTime<Utc>) {
        let Some(mut record) = self.store.get_mut(user_id) else {
            return;
        };
        let earlier = record
            .fields
            .get("LastLoginDate")
            .and_then(Value::as_str)
            .is_some_and(|last| {
                DateTime::parse_from_str(last, "%Y-%m-%dT%H:%M:%S%.3f%z")
                    .is_ok_and(|last| at <= last)
            });
        if !earlier {
            record
                .fields
                .insert("LastLoginDate".into(), json!(format_datetime(at)));
        }
    }

    /// A user's id from its id (15 or 18 characters) or its username.
    fn login_user_id(&self, user: &str) -> Option<String> {
        if let Some(id) = ids::to18(user)
            && self.store.get(&id).is_some_and(|r| r.object == "User")
        {
            return Some(id);
        }
        self.user_by_username(user).map(|r| r.id.clone())
    }
}
