//! Intents: the desired state of one external person, as the mapping rules derive it.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What should be true of one person in the org. Updates and reactivations are provisions of a
/// new desired state; there is no separate "update" intent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "intent", rename_all = "snake_case")]
pub enum Intent {
    /// An active external user with these attributes on this Account and profile.
    Provision(Box<Provision>),
    /// The person can no longer log in, by the given mode.
    Deprovision(Deprovision),
}

impl Intent {
    /// `provision` or `deprovision`, for logs, metrics and outcome types.
    pub fn kind(&self) -> &'static str {
        match self {
            Intent::Provision(_) => "provision",
            Intent::Deprovision(_) => "deprovision",
        }
    }
}

/// Which Account the person belongs under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountRef {
    /// The Account whose external-id field holds this key (e.g. the partner id `P-100`).
    Key(String),
    /// The Account with this Salesforce id.
    Id(String),
}

/// The Contact's fields. `last_name` is required by Salesforce.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ContactFields {
    pub first_name: Option<String>,
    pub last_name: String,
    pub email: String,
    /// Further Contact fields by API name (`Title`, `Phone`, custom `__c` fields).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, serde_json::Value>,
}

/// The User's settings. Salesforce requires every one of these on create.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserFields {
    /// The first username to try; collisions lead to the next candidate (see `username`).
    pub username: String,
    /// At most 8 characters.
    pub alias: String,
    /// Unique in the org; collisions lead to the next candidate.
    pub nickname: String,
    pub locale: String,
    pub time_zone: String,
    pub email_encoding: String,
    pub language: String,
    /// Single sign-on id, when the site uses SAML or OpenID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub federation_id: Option<String>,
}

/// The role level of a partner or Customer Community Plus user in their Account's portal role
/// hierarchy. External users never take internal roles; Customer Community users take none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PortalRoleLevel {
    User,
    Manager,
    Executive,
}

impl PortalRoleLevel {
    /// Salesforce's `UserRole.PortalRole` for the level: the lowest is called `Worker` there,
    /// though the role's name ends in "User".
    pub fn portal_role(self) -> &'static str {
        match self {
            PortalRoleLevel::User => "Worker",
            PortalRoleLevel::Manager => "Manager",
            PortalRoleLevel::Executive => "Executive",
        }
    }

    /// The level's name in rules and outcomes.
    pub fn name(self) -> &'static str {
        match self {
            PortalRoleLevel::User => "user",
            PortalRoleLevel::Manager => "manager",
            PortalRoleLevel::Executive => "executive",
        }
    }
}

/// How the welcome email reaches a newly created user, at most once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WelcomeEmail {
    /// None is sent by Gatehouse (single sign-on sites, or invitations sent elsewhere).
    #[default]
    None,
    /// The Experience Cloud site sends it on user creation (its own setting): no API call.
    SiteSetting,
    /// Gatehouse asks for a password reset, whose email carries the login link (one API call).
    PasswordReset,
}

/// An active external user with these attributes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provision {
    pub account: AccountRef,
    pub contact: ContactFields,
    pub user: UserFields,
    /// Profile name; the profile fixes the licence.
    pub profile: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<PortalRoleLevel>,
    /// Permission set API names to assign (never removed by Gatehouse unless listed elsewhere).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permission_sets: Vec<String>,
    #[serde(default)]
    pub welcome_email: WelcomeEmail,
    /// Why this person has access, for the lifecycle record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    /// Who vouches for this person (an internal owner), for the lifecycle record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sponsor: Option<String>,
    /// When access ends: a deprovision is scheduled for this time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_at: Option<DateTime<Utc>>,
}

/// How a person is shown out. Each mode says what happens to their licence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "kebab-case")]
pub enum DeprovisionMode {
    /// `IsActive = false`: cannot log in, frees the licence; reversible.
    #[default]
    Deactivate,
    /// `UserLogin.IsFrozen = true`: cannot log in, keeps the licence; reversible at once.
    Freeze,
    /// Freeze now, deactivate after the grace period (e.g. for a notice period under review).
    FreezeThenDeactivate {
        #[serde(with = "grace_seconds")]
        grace: Duration,
    },
    /// `IsPortalEnabled = false`: deactivates, renames the username and unlinks the Contact for
    /// good. Irreversible: only when a rule names it explicitly.
    Disable,
}

impl DeprovisionMode {
    /// The name used in config and outcomes.
    pub fn name(&self) -> &'static str {
        match self {
            DeprovisionMode::Deactivate => "deactivate",
            DeprovisionMode::Freeze => "freeze",
            DeprovisionMode::FreezeThenDeactivate { .. } => "freeze-then-deactivate",
            DeprovisionMode::Disable => "disable",
        }
    }

    /// Whether the mode freezes the login now (and so reads and writes `UserLogin`).
    pub fn freezes(&self) -> bool {
        matches!(
            self,
            DeprovisionMode::Freeze | DeprovisionMode::FreezeThenDeactivate { .. }
        )
    }
}

mod grace_seconds {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_secs())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_secs)
    }
}

/// The person can no longer log in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Deprovision {
    #[serde(flatten)]
    pub mode: DeprovisionMode,
    /// What ended the access (`left the company`, `contract C-42 ended`), for the lifecycle record.
    pub trigger: String,
}

#[cfg(test)]
mod tests;
