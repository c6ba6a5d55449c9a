//! Deciding what a provision must write: the difference between the intent and what the org has.
//!
//! Pure: the same intent and observations always give the same plan, which is what makes
//! re-running a command (after a crash, a retry or a duplicate event) converge instead of
//! duplicating. The plan never moves a Contact between Accounts, never adopts a Contact from
//! another Account, and never changes a username or nickname once chosen.

use serde_json::{Map, Value, json};

use super::observed::{Observed, ObservedContact};
use crate::domain::{PortalRoleLevel, Provision, Refusal, WelcomeEmail};

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
    /// The email change asked for, when Salesforce may hold it for confirmation.
    pub email_change: Option<String>,
    /// The portal role to give the user, when it is not the one they hold (or get on creation).
    pub role: Option<RoleWrite>,
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

/// Plans a provision. `pending_email` is an email change asked for earlier and possibly held
/// by Salesforce for confirmation: asking again would mail the person again.
pub fn plan_provision(
    intent: &Provision,
    subject_key: &str,
    observed: &Observed,
    policy: &ProvisionPolicy,
    pending_email: Option<&str>,
) -> ProvisionPlan {
    let Some(account) = &observed.account else {
        return refusal(
            "ACCOUNT_NOT_FOUND",
            format!(
                "no Account matches {:?}; create it or fix the rule's account",
                intent.account
            ),
        );
    };
    if !account.owner_has_role {
        return refusal(
            "ACCOUNT_NOT_ELIGIBLE",
            format!(
                "the owner of Account {} ({}) holds no role; external users need an Account owner with a role",
                account.name, account.id
            ),
        );
    }
    let Some(profile) = &observed.profile else {
        return refusal(
            "PROFILE_NOT_FOUND",
            format!("no profile named '{}' in the org", intent.profile),
        );
    };
    if profile.is_partner_licence() && !account.is_partner {
        return refusal(
            "ACCOUNT_NOT_ELIGIBLE",
            format!(
                "Account {} ({}) is not enabled as a partner; profile '{}' needs a partner Account",
                account.name, account.id, profile.name
            ),
        );
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

    let mut email_change = None;
    let (user_write, send_welcome) = match user {
        None => (
            UserWrite::Create {
                fields: new_user_fields(intent, &profile.id),
            },
            intent.welcome_email == WelcomeEmail::PasswordReset,
        ),
        Some(u) => {
            let mut fields = Map::new();
            if !u.is_active {
                fields.insert("IsActive".into(), json!(true));
            }
            if !same_id(&u.profile_id, &profile.id) {
                fields.insert("ProfileId".into(), json!(profile.id));
            }
            differ(
                &mut fields,
                "FirstName",
                u.first_name.as_deref(),
                intent.contact.first_name.as_deref(),
            );
            differ(
                &mut fields,
                "LastName",
                u.last_name.as_deref(),
                Some(&intent.contact.last_name),
            );
            let wanted = intent.contact.email.as_str();
            let email_is_current = u
                .email
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(wanted));
            let email_asked = pending_email.is_some_and(|e| e.eq_ignore_ascii_case(wanted));
            if !email_is_current && !email_asked {
                fields.insert("Email".into(), json!(wanted));
                email_change = Some(wanted.to_owned());
            }
            if fields.is_empty() {
                (UserWrite::Keep { id: u.id.clone() }, false)
            } else {
                (
                    UserWrite::Update {
                        id: u.id.clone(),
                        fields,
                    },
                    false,
                )
            }
        }
    };
    let unfreeze = match (&user_write, &observed.login) {
        (UserWrite::Create { .. }, _) => None,
        (_, Some((login_id, true))) => Some(login_id.clone()),
        _ => None,
    };
    let assign: Vec<String> = intent
        .permission_sets
        .iter()
        .filter(|p| {
            !observed
                .permission_sets
                .iter()
                .any(|have| have.eq_ignore_ascii_case(p))
        })
        .cloned()
        .collect();

    // External users never take internal roles, and Customer Community users take none: a
    // level asked for a profile without portal roles is left alone.
    let role = match intent.role {
        Some(level) if profile.takes_portal_role() => {
            let held = match (&user_write, user) {
                // Salesforce gives a new user the lowest level of the Account's portal roles.
                (UserWrite::Create { .. }, _) => Some(PortalRoleLevel::User.portal_role()),
                (_, Some(u)) => u.portal_role.as_deref(),
                (_, None) => None,
            };
            (held != Some(level.portal_role())).then(|| RoleWrite {
                account_id: account.id.clone(),
                portal_type: profile.portal_type(),
                level,
            })
        }
        _ => None,
    };

    let writes = ProvisionWrites {
        contact,
        user: user_write,
        unfreeze,
        assign,
        send_welcome,
        email_change,
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

fn plan_contact(
    intent: &Provision,
    subject_key: &str,
    observed: &Observed,
    policy: &ProvisionPolicy,
    account_id: &str,
) -> Result<ContactWrite, ProvisionPlan> {
    if let Some(keyed) = &observed.keyed_contact {
        if !keyed
            .account_id
            .as_deref()
            .is_some_and(|a| same_id(a, account_id))
        {
            return Err(refusal(
                "CONTACT_IN_OTHER_ACCOUNT",
                format!(
                    "Contact {} carries key {subject_key} but belongs to Account {}, not {account_id}; Gatehouse never moves a Contact between Accounts",
                    keyed.id,
                    keyed.account_id.as_deref().unwrap_or("(none)")
                ),
            ));
        }
        let fields = contact_diff(intent, keyed);
        return Ok(if fields.is_empty() {
            ContactWrite::Keep {
                id: keyed.id.clone(),
            }
        } else {
            ContactWrite::Update {
                id: keyed.id.clone(),
                fields,
            }
        });
    }
    let candidates: Vec<&ObservedContact> = if policy.adopt_by_email {
        observed
            .adoptable
            .iter()
            .filter(|c| c.key.is_none())
            .filter(|c| {
                c.account_id
                    .as_deref()
                    .is_some_and(|a| same_id(a, account_id))
            })
            .filter(|c| {
                c.email
                    .as_deref()
                    .is_some_and(|e| e.eq_ignore_ascii_case(&intent.contact.email))
            })
            .collect()
    } else {
        Vec::new()
    };
    match candidates.as_slice() {
        [] => {
            let mut fields = contact_fields(intent);
            fields.insert("AccountId".into(), json!(account_id));
            Ok(ContactWrite::Upsert { fields })
        }
        [one] => {
            let mut fields = contact_diff(intent, one);
            fields.insert(policy.contact_key_field.clone(), json!(subject_key));
            Ok(ContactWrite::Adopt {
                id: one.id.clone(),
                fields,
            })
        }
        several => Err(refusal(
            "AMBIGUOUS_CONTACT",
            format!(
                "{} Contacts in Account {account_id} have this email and no key; set {} on the right one",
                several.len(),
                policy.contact_key_field
            ),
        )),
    }
}

/// The Contact fields the intent sets.
fn contact_fields(intent: &Provision) -> Map<String, Value> {
    let mut fields = Map::new();
    if let Some(first) = &intent.contact.first_name {
        fields.insert("FirstName".into(), json!(first));
    }
    fields.insert("LastName".into(), json!(intent.contact.last_name));
    fields.insert("Email".into(), json!(intent.contact.email));
    for (name, value) in &intent.contact.extra {
        fields.insert(name.clone(), value.clone());
    }
    fields
}

fn contact_diff(intent: &Provision, have: &ObservedContact) -> Map<String, Value> {
    let mut fields = Map::new();
    differ(
        &mut fields,
        "FirstName",
        have.first_name.as_deref(),
        intent.contact.first_name.as_deref(),
    );
    differ(
        &mut fields,
        "LastName",
        have.last_name.as_deref(),
        Some(&intent.contact.last_name),
    );
    let email_same = have
        .email
        .as_deref()
        .is_some_and(|e| e.eq_ignore_ascii_case(&intent.contact.email));
    if !email_same {
        fields.insert("Email".into(), json!(intent.contact.email));
    }
    // Extra fields are written on creation and adoption only: the read does not fetch them,
    // so comparing would always differ.
    fields
}

fn differ(fields: &mut Map<String, Value>, name: &str, have: Option<&str>, want: Option<&str>) {
    if let Some(want) = want
        && have != Some(want)
    {
        fields.insert(name.to_owned(), json!(want));
    }
}

fn new_user_fields(intent: &Provision, profile_id: &str) -> Map<String, Value> {
    let u = &intent.user;
    let mut fields = Map::new();
    fields.insert("Username".into(), json!(u.username));
    if let Some(first) = &intent.contact.first_name {
        fields.insert("FirstName".into(), json!(first));
    }
    fields.insert("LastName".into(), json!(intent.contact.last_name));
    fields.insert("Email".into(), json!(intent.contact.email));
    fields.insert("Alias".into(), json!(u.alias));
    fields.insert("CommunityNickname".into(), json!(u.nickname));
    fields.insert("TimeZoneSidKey".into(), json!(u.time_zone));
    fields.insert("LocaleSidKey".into(), json!(u.locale));
    fields.insert("EmailEncodingKey".into(), json!(u.email_encoding));
    fields.insert("LanguageLocaleKey".into(), json!(u.language));
    fields.insert("ProfileId".into(), json!(profile_id));
    if let Some(federation) = &u.federation_id {
        fields.insert("FederationIdentifier".into(), json!(federation));
    }
    fields
}

/// Salesforce ids compare on their first 15 characters (the 18-character form adds a checksum).
pub fn same_id(a: &str, b: &str) -> bool {
    let a15 = a.get(..15).unwrap_or(a);
    let b15 = b.get(..15).unwrap_or(b);
    a15 == b15
}
