//! Portal roles: the role hierarchy Salesforce makes under an Account when its first partner or
//! Customer Community Plus user is created (`Acme Partner Executive` → `Acme Partner Manager`
//! → `Acme Partner User`), below the Account owner's role.
//!
//! How many levels an Account gets (1 to 3, top levels dropped first) is the org's "Number of
//! partner roles" / "Number of customer roles" setting (Help 005167124). With "Minimize the
//! number of roles created" (Help 005167126) the Account's first active external user takes
//! a role shared by the Account owner's accounts (`PortalRole` `PersonAccount`), and the
//! Account's own roles are made with its second, moving the first user to the lowest of them.

use serde_json::{Map, Value, json};

use super::Org;

/// Which portal the roles belong to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PortalKind {
    Partner,
    Customer,
}

impl PortalKind {
    /// `UserRole.PortalType`.
    pub(crate) fn portal_type(self) -> &'static str {
        match self {
            PortalKind::Partner => "Partner",
            PortalKind::Customer => "CustomerPortal",
        }
    }

    /// The word in the role names.
    fn word(self) -> &'static str {
        match self {
            PortalKind::Partner => "Partner",
            PortalKind::Customer => "Customer",
        }
    }

    /// `User.UserType` of users who take these roles.
    fn user_type(self) -> &'static str {
        match self {
            PortalKind::Partner => "PowerPartner",
            PortalKind::Customer => "PowerCustomerSuccess",
        }
    }
}

/// The levels, top first: `PortalRole` value and the suffix of the role name.
const LEVELS: [(&str, &str); 3] = [
    ("Executive", "Executive"),
    ("Manager", "Manager"),
    ("Worker", "User"),
];

/// The `PortalRole` of the shared role of "minimize the number of roles".
const PERSON_ACCOUNT: &str = "PersonAccount";

/// The role a new (or newly external) user of the Account takes when none is asked for: the
/// Account's lowest portal role, made with its levels if missing — or, with "minimize roles"
/// and no other active user of this kind on the Account, the owner's shared person-account
/// role.
pub(crate) fn ensure(org: &mut Org, account_id: &str, kind: PortalKind) -> String {
    if let Some(worker) = find(org, account_id, kind, "Worker") {
        return worker;
    }
    let others = active_users(org, account_id, kind);
    if org.settings.minimize_roles && others.is_empty() {
        return person_account_role(org, account_id, kind);
    }
    let worker = make_levels(org, account_id, kind);
    // Every user of the Account moves from the shared role to the Account's own lowest one.
    for user in others {
        if let Some(mut record) = org.store.get_mut(&user) {
            record.fields.insert("UserRoleId".into(), json!(worker));
        }
    }
    worker
}

/// The Account's levels as the org's setting says, top first; returns the lowest.
fn make_levels(org: &mut Org, account_id: &str, kind: PortalKind) -> String {
    let count = match kind {
        PortalKind::Partner => org.settings.partner_roles,
        PortalKind::Customer => org.settings.customer_roles,
    }
    .clamp(1, 3);
    let account_name = org.text_of(account_id, "Name").unwrap_or_default();
    let mut parent = owner_role(org, account_id);
    let mut last = String::new();
    for (portal_role, suffix) in &LEVELS[LEVELS.len() - usize::from(count)..] {
        let name = format!("{account_name} {} {suffix}", kind.word());
        last = insert_role(
            org,
            &name,
            parent.as_deref(),
            kind,
            (Some(account_id), portal_role),
        );
        parent = Some(last.clone());
    }
    last
}

/// The Account owner's shared role (`<owner alias> Customer Person Account`), made once per
/// owner and kind.
fn person_account_role(org: &mut Org, account_id: &str, kind: PortalKind) -> String {
    let owner = org.text_of(account_id, "OwnerId");
    let existing = org
        .store
        .of_type("UserRole")
        .find(|r| {
            r.text("PortalRole") == Some(PERSON_ACCOUNT)
                && r.text("PortalType") == Some(kind.portal_type())
                && r.text("PortalAccountOwnerId") == owner.as_deref()
        })
        .map(|r| r.id.clone());
    if let Some(id) = existing {
        return id;
    }
    let alias = owner
        .as_deref()
        .and_then(|o| org.text_of(o, "Alias"))
        .unwrap_or_default();
    let name = format!("{alias} {} Person Account", kind.word());
    let parent = owner_role(org, account_id);
    let id = insert_role(org, &name, parent.as_deref(), kind, (None, PERSON_ACCOUNT));
    if let (Some(mut record), Some(owner)) = (org.store.get_mut(&id), owner) {
        record
            .fields
            .insert("PortalAccountOwnerId".into(), json!(owner));
    }
    id
}

/// Stores one portal role; `place` is its Account (none for a shared role) and `PortalRole`.
fn insert_role(
    org: &mut Org,
    name: &str,
    parent: Option<&str>,
    kind: PortalKind,
    place: (Option<&str>, &str),
) -> String {
    let (account_id, portal_role) = place;
    let mut values = Map::new();
    values.insert("Name".into(), json!(name));
    values.insert("DeveloperName".into(), json!(developer_name(name)));
    values.insert("ParentRoleId".into(), json!(parent));
    values.insert("PortalType".into(), json!(kind.portal_type()));
    values.insert("PortalAccountId".into(), json!(account_id));
    values.insert("PortalRole".into(), json!(portal_role));
    org.insert_system("UserRole", values)
}

/// The role of the Account's owner, under which the portal roles sit.
fn owner_role(org: &Org, account_id: &str) -> Option<String> {
    org.text_of(account_id, "OwnerId")
        .and_then(|owner| org.text_of(&owner, "UserRoleId"))
}

/// Active users of this kind on the Account (those already stored).
fn active_users(org: &Org, account_id: &str, kind: PortalKind) -> Vec<String> {
    org.store
        .find("User", "AccountId", &json!(account_id))
        .filter(|u| u.text("UserType") == Some(kind.user_type()) && u.flag("IsActive"))
        .map(|u| u.id.clone())
        .collect()
}

/// The Account's portal role of this kind at this level, if made.
fn find(org: &Org, account_id: &str, kind: PortalKind, level: &str) -> Option<String> {
    org.store
        .of_type("UserRole")
        .find(|r| {
            r.text("PortalAccountId") == Some(account_id)
                && r.text("PortalType") == Some(kind.portal_type())
                && r.text("PortalRole") == Some(level)
        })
        .map(|r| r.id.clone())
}

/// Whether `role_id` is one of the Account's portal roles of this kind.
pub(crate) fn belongs_to(org: &Org, role_id: &str, account_id: &str, kind: PortalKind) -> bool {
    org.store.get(role_id).is_some_and(|r| {
        r.text("PortalAccountId") == Some(account_id)
            && r.text("PortalType") == Some(kind.portal_type())
    })
}

/// Whether `role_id` is a portal role at all (of any Account).
pub(crate) fn is_portal_role(org: &Org, role_id: &str) -> bool {
    org.store
        .get(role_id)
        .and_then(|r| r.get("PortalType"))
        .and_then(Value::as_str)
        .is_some_and(|t| t != "None")
}

/// `Acme Corp Partner User` → `AcmeCorpPartnerUser`.
fn developer_name(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).collect()
}
