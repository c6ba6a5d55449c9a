//! The user a token will act as, found among the org's User records.

use crate::org::Org;

/// A user as the token endpoint needs it: who, and whether they may log in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub id: String,
    pub username: String,
    pub active: bool,
}

impl Principal {
    /// The user with this username (Salesforce usernames are case-insensitive). `active` means
    /// the user may log in: active, and neither frozen nor password-locked.
    pub fn find(org: &Org, username: &str) -> Option<Principal> {
        let user = org.user_by_username(username)?;
        let name = user.get("Username")?.as_str()?;
        Some(Principal {
            id: user.id.clone(),
            username: name.to_owned(),
            active: org.can_log_in(&user.id),
        })
    }
}
