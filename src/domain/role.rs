//! What an operator may do: the four roles of the admin API and the rule that says which role
//! a route needs is granted by which role held.
//!
//! Duties are separate, as identity products keep them: whoever runs commands (`operator`) is
//! not by that alone the one who releases what the mass-deprovision guard holds (`approver`),
//! and neither changes how Gatehouse itself behaves (`admin`). Every role reads (`viewer`);
//! `admin` may do everything.

use serde::{Deserialize, Serialize};

/// A role an operator holds, and a route needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Reads: lifecycle records, commands, dead letters, the inbox, reports.
    Viewer,
    /// Acts on people one at a time: replay, resume parked commands, provision and lock out
    /// by hand, put inbox events back for mapping.
    Operator,
    /// Approves or rejects what the mass-deprovision guard holds.
    Approver,
    /// Everything, including runs over many people (reconciliation, rosters, licence reclaim)
    /// and the outcome webhooks' subscribers.
    Admin,
}

impl Role {
    /// Every role, from least to most.
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Operator, Role::Approver, Role::Admin];

    /// The role's name as config and answers write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Operator => "operator",
            Role::Approver => "approver",
            Role::Admin => "admin",
        }
    }

    /// The role named `text` (as [`Role::as_str`] writes it), if any.
    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == text)
    }

    /// Whether holding `self` grants what `needed` may do: every role reads, `admin` does
    /// everything, and `operator` and `approver` each only their own duty.
    pub fn grants(self, needed: Role) -> bool {
        self == Role::Admin || needed == Role::Viewer || self == needed
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests;
