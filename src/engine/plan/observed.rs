//! What the executor read from the org about one subject, before deciding what to write.
//!
//! Filled from one composite read (see `engine::read`); every field is what Salesforce said,
//! so the plan compares desired state with facts, never with Gatehouse's memory of them.

use serde::{Deserialize, Serialize};

/// The Account the intent names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObservedAccount {
    pub id: String,
    pub name: String,
    /// Partner users need a partner-enabled Account.
    pub is_partner: bool,
    /// External users need an Account whose owner holds a role.
    pub owner_has_role: bool,
}

/// A Contact found by the subject key, or offered for adoption by email.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservedContact {
    pub id: String,
    pub account_id: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    /// The subject key in the Contact's external-id field, if any.
    pub key: Option<String>,
}

/// The external user linked to the subject's Contact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ObservedUser {
    pub id: String,
    pub username: String,
    pub is_active: bool,
    pub contact_id: Option<String>,
    pub profile_id: String,
    pub profile_name: Option<String>,
    pub licence: Option<String>,
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub nickname: Option<String>,
    pub role_id: Option<String>,
    /// `UserRole.PortalRole` of that role (`Worker`, `Manager`, `Executive`), for portal roles.
    pub portal_role: Option<String>,
}

/// A profile by name, with the licence it fixes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObservedProfile {
    pub id: String,
    pub name: String,
    pub licence: String,
    /// `PID_Partner_Community` and the like: tells partner licences from customer ones.
    pub licence_key: Option<String>,
}

impl ObservedProfile {
    /// Whether the profile's licence makes partner users (who need a partner Account).
    pub fn is_partner_licence(&self) -> bool {
        let key = self.licence_key.as_deref().unwrap_or("");
        key.contains("Partner") || self.licence.contains("Partner")
    }

    /// Whether users of this licence take a portal role (partner and Customer Community Plus);
    /// plain Customer Community users take none.
    pub fn takes_portal_role(&self) -> bool {
        self.is_partner_licence() || self.licence.contains("Plus")
    }

    /// `UserRole.PortalType` of the portal roles its users take: partner roles for partner
    /// licences, customer portal roles for Customer Community Plus.
    pub fn portal_type(&self) -> &'static str {
        if self.is_partner_licence() {
            "Partner"
        } else {
            "CustomerPortal"
        }
    }
}

/// One of the Account's portal roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObservedRole {
    /// `UserRole.PortalType`: `Partner` or `CustomerPortal`.
    pub portal_type: String,
    /// `UserRole.PortalRole`: `Executive`, `Manager` or `Worker`.
    pub portal_role: String,
}

/// Everything one read found.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Observed {
    pub account: Option<ObservedAccount>,
    /// The Contact whose external-id field holds the subject key.
    pub keyed_contact: Option<ObservedContact>,
    /// Contacts in the intent's Account with the intent's email and no key: adoption candidates.
    pub adoptable: Vec<ObservedContact>,
    pub user: Option<ObservedUser>,
    /// `UserLogin.IsFrozen` of that user, with the UserLogin id.
    pub login: Option<(String, bool)>,
    pub profile: Option<ObservedProfile>,
    /// Names of the permission sets assigned to the user.
    pub permission_sets: Vec<String>,
    /// The Account's portal roles, when the read asked for them (a level above the lowest).
    /// Salesforce makes them, 1 to 3 levels as the org is set, with the Account's first
    /// partner or Customer Community Plus user — with "minimize roles", with its second.
    pub account_roles: Option<Vec<ObservedRole>>,
    /// The org has no partner licence, so no `Account.IsPartner`: every Account is a customer
    /// Account.
    pub customer_only_org: bool,
    /// The org's licence counts, when the read brought them along (see `engine::licences`).
    #[serde(skip)]
    pub licences: Option<Vec<crate::engine::licences::LicenceCount>>,
}
