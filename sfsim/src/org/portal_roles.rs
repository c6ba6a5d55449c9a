//! Portal roles: the three-level role hierarchy Salesforce makes under an Account when its
//! first partner or Customer Community Plus user is created (`Acme Partner Executive` →
//! `Acme Partner Manager` → `Acme Partner User`), below the Account owner's role.

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
}

/// The levels, top first: `PortalRole` value and the suffix of the role name.
const LEVELS: [(&str, &str); 3] = [
    ("Executive", "Executive"),
    ("Manager", "Manager"),
    ("Worker", "User"),
];

/// The Account's portal roles of this kind, made if missing; returns the id of the lowest
/// (`… User`), the role new users get when none is asked for.
pub(crate) fn ensure(org: &mut Org, account_id: &str, kind: PortalKind) -> String {
    if let Some(worker) = find(org, account_id, kind, "Worker") {
        return worker;
    }
    let account_name = org.text_of(account_id, "Name").unwrap_or_default();
    let owner_role = org
        .text_of(account_id, "OwnerId")
        .and_then(|owner| org.text_of(&owner, "UserRoleId"));
    let mut parent = owner_role;
    let mut last = String::new();
    for (portal_role, suffix) in LEVELS {
        let name = format!("{account_name} {} {suffix}", kind.word());
        let mut values = Map::new();
        values.insert("Name".into(), json!(name));
        values.insert("DeveloperName".into(), json!(developer_name(&name)));
        values.insert("ParentRoleId".into(), json!(parent));
        values.insert("PortalType".into(), json!(kind.portal_type()));
        values.insert("PortalAccountId".into(), json!(account_id));
        values.insert("PortalRole".into(), json!(portal_role));
        last = org.insert_system("UserRole", values);
        parent = Some(last.clone());
    }
    last
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
