//! The User password resource: reset (which emails a link), set, and expiry. The org keeps no
//! passwords, only whether the current one is a temporary one that has expired.

use std::collections::BTreeSet;

use super::emails::EmailKind;
use super::refusals::refuse;
use super::{Org, not_found};
use crate::error::ApiError;
use crate::ids;

/// Which users must change their password at next login.
#[derive(Debug, Clone, Default)]
pub(crate) struct Passwords {
    expired: BTreeSet<String>,
    resets: u64,
}

impl Org {
    /// `DELETE …/sobjects/User/{id}/password`: resets the password, emails the user a reset
    /// link, and returns the temporary password.
    pub fn reset_password(&mut self, user_id: &str) -> Result<String, ApiError> {
        let id = self.user_id(user_id)?;
        self.passwords.resets += 1;
        let temporary = format!("Tmp{:05}x{}", self.passwords.resets, &id[12..15]);
        self.passwords.expired.insert(id.clone());
        if let Some(to) = self.text_of(&id, "Email") {
            self.send_email(EmailKind::PasswordReset, &to, &id);
        }
        Ok(temporary)
    }

    /// `POST …/sobjects/User/{id}/password` with `NewPassword`: sets it without any email.
    /// Salesforce's default policy: at least 8 characters, letters and numbers.
    pub fn set_password(&mut self, user_id: &str, new_password: &str) -> Result<(), ApiError> {
        let id = self.user_id(user_id)?;
        if new_password.chars().count() < 8 {
            return Err(refuse(
                "INVALID_NEW_PASSWORD",
                "Your password must be at least 8 characters long.",
                &[],
            ));
        }
        let letters = new_password.chars().any(char::is_alphabetic);
        let digits = new_password.chars().any(|c| c.is_ascii_digit());
        if !(letters && digits) {
            return Err(refuse(
                "INVALID_NEW_PASSWORD",
                "Your password must have a mix of letters and numbers.",
                &[],
            ));
        }
        self.passwords.expired.remove(&id);
        Ok(())
    }

    /// `GET …/sobjects/User/{id}/password`: whether the password has expired (true after a
    /// reset until a new one is set).
    pub fn password_expired(&self, user_id: &str) -> Result<bool, ApiError> {
        let id = self.user_id(user_id)?;
        Ok(self.passwords.expired.contains(&id))
    }

    /// The 18-character id of an existing user.
    fn user_id(&self, user_id: &str) -> Result<String, ApiError> {
        ids::to18(user_id)
            .filter(|id| self.store.get(id).is_some_and(|r| r.object == "User"))
            .ok_or_else(not_found)
    }
}
