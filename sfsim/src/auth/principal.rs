//! The user a token will act as, found among the org's User records.

use crate::org::Org;
use crate::soql::DataSource;

/// A user as the token endpoint needs it: who, and whether they may log in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub id: String,
    pub username: String,
    pub active: bool,
}

impl Principal {
    /// The user with this username. Salesforce usernames are case-insensitive.
    pub fn find(org: &Org, username: &str) -> Option<Principal> {
        org.records("User").find_map(|user| {
            let name = user.get("Username")?.as_str()?;
            if !name.eq_ignore_ascii_case(username) {
                return None;
            }
            Some(Principal {
                id: user.id.clone(),
                username: name.to_owned(),
                active: user
                    .get("IsActive")
                    .and_then(|v| v.as_bool())
                    .unwrap_or(false),
            })
        })
    }
}
