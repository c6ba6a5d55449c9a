//! `[kafka.topics.NAME.allow]`: what a native topic's producer may ask for. Without it a
//! producer chooses any subject, Account, profile, permission set and role; with it, a command
//! outside the list stays unmapped with the reason, for replay once the list or the producer is
//! fixed.
//!
//! ```toml
//! [kafka.topics.hr-commands.allow]
//! subject_prefixes = ["hr:"]
//! accounts = ["P-100", "P-200"]            # Account keys or ids
//! profiles = ["Partner Community User"]
//! permission_sets = ["Portal_Access"]
//! highest_role = "manager"                 # user | manager | executive
//! ```
//!
//! A key left out allows anything for it; an empty list allows nothing.

use serde::{Deserialize, Serialize};

use crate::domain::PortalRoleLevel;

/// One native topic's allow-list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NativeAllowList {
    /// Subject keys must start with one of these (`hr:`); checked for every command.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject_prefixes: Option<Vec<String>>,
    /// Accounts a provision may name, by key or id, exactly as the command gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accounts: Option<Vec<String>>,
    /// Profiles a provision may name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profiles: Option<Vec<String>>,
    /// Permission sets a provision may assign, by API name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub permission_sets: Option<Vec<String>>,
    /// The highest portal role level a provision may give.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub highest_role: Option<PortalRoleLevel>,
}

impl NativeAllowList {
    /// What cannot work, as `(key, message)`; `prefix` is `kafka.topics.NAME.allow`.
    pub fn problems(&self, prefix: &str) -> Vec<(String, String)> {
        let lists = [
            ("subject_prefixes", &self.subject_prefixes),
            ("accounts", &self.accounts),
            ("profiles", &self.profiles),
            ("permission_sets", &self.permission_sets),
        ];
        lists
            .into_iter()
            .filter(|(_, list)| list.iter().flatten().any(|entry| entry.trim().is_empty()))
            .map(|(field, _)| {
                (
                    format!("{prefix}.{field}"),
                    "holds an empty entry; remove it (an empty prefix would allow every subject)"
                        .to_owned(),
                )
            })
            .collect()
    }
}
