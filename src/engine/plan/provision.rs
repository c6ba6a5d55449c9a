//! Deciding what a provision must write: the difference between the intent and what the org has.
//!
//! Pure: the same intent and observations always give the same plan, which is what makes
//! re-running a command (after a crash, a retry or a duplicate event) converge instead of
//! duplicating. The plan never moves a Contact between Accounts, never adopts a Contact from
//! another Account, and never changes a username or nickname once chosen.

mod contact;
mod new_person;
mod user;

use serde_json::{Map, Value};

use self::contact::plan_contact;
pub use self::new_person::plan_new_person;
use self::user::{check_level, plan_role, plan_user};
use super::observed::{Observed, ObservedAccount, ObservedProfile};
use crate::domain::{PortalRoleLevel, Provision, Refusal};

/// How the plan treats Contacts that carry no key.
#[derive(Debug, Clone)]
pub struct ProvisionPolicy {
    /// Adopt a Contact with the same email in the same Account when none carries the key.
    pub adopt_by_email: bool,
    /// API name of the Contact's external-id field (`Gatehouse_Key__c`).
    pub contact_key_field: String,
}

/// What to do with the Contact.
#[derive(Debug, Clone, PartialEq)]
pub enum ContactWrite {
    /// It matches: nothing to write.
    Keep { id: String },
    /// None carries the key: create it (an upsert by key, so a retry finds the first one).
    Upsert { fields: Map<String, Value> },
    /// It carries the key and some fields differ.
    Update {
        id: String,
        fields: Map<String, Value>,
    },
    /// A Contact with the same email in the same Account: give it the key (and the fields).
    Adopt {
        id: String,
        fields: Map<String, Value>,
    },
}

impl ContactWrite {
    /// The Contact's id when it already exists.
    pub fn id(&self) -> Option<&str> {
        match self {
            ContactWrite::Keep { id }
            | ContactWrite::Update { id, .. }
            | ContactWrite::Adopt { id, .. } => Some(id),
            ContactWrite::Upsert { .. } => None,
        }
    }
}

/// What to do with the User.
#[derive(Debug, Clone, PartialEq)]
pub enum UserWrite {
    Keep {
        id: String,
    },
    /// No user on the Contact (or only a disabled one): create one. Username and nickname are
    /// the first candidates; the executor moves on to the next on a collision.
    Create {
        fields: Map<String, Value>,
    },
    Update {
        id: String,
        fields: Map<String, Value>,
    },
}

/// The portal role a partner or Customer Community Plus user should hold: the Account's role
/// of that level. Salesforce makes the Account's portal roles with its first such user, so the
/// role is looked up when it is written, by Account, portal type and level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleWrite {
    pub account_id: String,
    /// `UserRole.PortalType`: `Partner` or `CustomerPortal`.
    pub portal_type: &'static str,
    pub level: PortalRoleLevel,
}

/// Everything a provision writes, in the order the executor applies it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProvisionWrites {
    pub contact: ContactWrite,
    pub user: UserWrite,
    /// The UserLogin to unfreeze.
    pub unfreeze: Option<String>,
    /// Permission sets to assign (never removed).
    pub assign: Vec<String>,
    /// Ask for a password reset after creation, which sends the welcome email.
    pub send_welcome: bool,
    /// The user's new Email, applied at once and left unverified by Salesforce.
    pub email_change: Option<String>,
    /// The portal role to give the user, when it is not the one they hold (or get on creation).
    pub role: Option<RoleWrite>,
}

impl ProvisionWrites {
    /// Whether the writes take a licence: a new user, or an inactive one made active again
    /// (a member-based licence is held while the user is active).
    pub fn takes_licence(&self) -> bool {
        match &self.user {
            UserWrite::Create { .. } => true,
            UserWrite::Update { fields, .. } => fields.get("IsActive") == Some(&Value::Bool(true)),
            UserWrite::Keep { .. } => false,
        }
    }
}

/// The decision.
#[derive(Debug, Clone, PartialEq)]
pub enum ProvisionPlan {
    /// The org refuses this for good (ineligible Account, Contact elsewhere): dead-letter it.
    Refuse(Refusal),
    /// Already as desired.
    NoChange,
    Write(Box<ProvisionWrites>),
}

fn refusal(code: &str, message: String) -> ProvisionPlan {
    ProvisionPlan::Refuse(Refusal {
        code: code.to_owned(),
        message,
        fields: Vec::new(),
        status: None,
    })
}

/// Plans a provision.
pub fn plan_provision(
    intent: &Provision,
    subject_key: &str,
    observed: &Observed,
    policy: &ProvisionPolicy,
) -> ProvisionPlan {
    let (account, profile) = match eligible(intent, observed) {
        Ok(found) => found,
        Err(plan) => return plan,
    };
    if let Err(plan) = check_level(intent, profile, account, observed) {
        return plan;
    }
    let contact = match plan_contact(intent, subject_key, observed, policy, &account.id) {
        Ok(c) => c,
        Err(plan) => return plan,
    };
    // The user linked to the chosen Contact, if that Contact exists and has one.
    let user = contact.id().and_then(|id| {
        observed
            .user
            .as_ref()
            .filter(|u| u.contact_id.as_deref().is_some_and(|c| same_id(c, id)))
    });
    let planned = plan_user(intent, user, profile);
    let unfreeze = match (&planned.write, &observed.login) {
        (UserWrite::Create { .. }, _) => None,
        (_, Some((login_id, true))) => Some(login_id.clone()),
        _ => None,
    };
    let role = plan_role(intent, profile, &account.id, &planned.write, user);
    let writes = ProvisionWrites {
        contact,
        user: planned.write,
        unfreeze,
        assign: missing_permission_sets(intent, observed),
        send_welcome: planned.send_welcome,
        email_change: planned.email_change,
        role,
    };
    let nothing = matches!(writes.contact, ContactWrite::Keep { .. })
        && matches!(writes.user, UserWrite::Keep { .. })
        && writes.unfreeze.is_none()
        && writes.assign.is_empty()
        && writes.role.is_none();
    if nothing {
        ProvisionPlan::NoChange
    } else {
        ProvisionPlan::Write(Box::new(writes))
    }
}

/// The Account and profile the intent names, when both exist and the Account may hold the
/// profile's users; else the refusal.
fn eligible<'a>(
    intent: &Provision,
    observed: &'a Observed,
) -> Result<(&'a ObservedAccount, &'a ObservedProfile), ProvisionPlan> {
    let Some(account) = &observed.account else {
        return Err(refusal(
            "ACCOUNT_NOT_FOUND",
            format!(
                "no Account matches {:?}; create it or fix the rule's account",
                intent.account
            ),
        ));
    };
    if !account.owner_has_role {
        return Err(refusal(
            "ACCOUNT_NOT_ELIGIBLE",
            format!(
                "the owner of Account {} ({}) holds no role; external users need an Account owner with a role",
                account.name, account.id
            ),
        ));
    }
    // Without a partner licence the org has neither partner profiles nor `Account.IsPartner`
    // (Salesforce Help 005321769): a partner rule cannot be met there, and the reason says so.
    let customer_only = if observed.customer_only_org {
        "; the org has no partner licence (Account has no IsPartner field), so partner users cannot be made in it"
    } else {
        ""
    };
    let Some(profile) = &observed.profile else {
        return Err(refusal(
            "PROFILE_NOT_FOUND",
            format!(
                "no profile named '{}' in the org{customer_only}",
                intent.profile
            ),
        ));
    };
    if profile.is_partner_licence() && observed.customer_only_org {
        return Err(refusal(
            "ACCOUNT_NOT_ELIGIBLE",
            format!(
                "profile '{}' makes partner users{customer_only}",
                profile.name
            ),
        ));
    }
    if profile.is_partner_licence() && !account.is_partner {
        return Err(refusal(
            "ACCOUNT_NOT_ELIGIBLE",
            format!(
                "Account {} ({}) is not enabled as a partner; profile '{}' needs a partner Account",
                account.name, account.id, profile.name
            ),
        ));
    }
    Ok((account, profile))
}

/// The intent's permission sets the user does not hold yet (none is ever removed).
fn missing_permission_sets(intent: &Provision, observed: &Observed) -> Vec<String> {
    intent
        .permission_sets
        .iter()
        .filter(|p| {
            !observed
                .permission_sets
                .iter()
                .any(|have| have.eq_ignore_ascii_case(p))
        })
        .cloned()
        .collect()
}

/// Salesforce ids compare on their first 15 characters (the 18-character form adds a checksum).
pub fn same_id(a: &str, b: &str) -> bool {
    let a15 = a.get(..15).unwrap_or(a);
    let b15 = b.get(..15).unwrap_or(b);
    a15 == b15
}
