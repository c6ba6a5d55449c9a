//! Account and Contact rules: owners default to the acting user and must be active; a Contact
//! linked to an external user keeps its Account and cannot be deleted, nor can its Account.

use serde_json::json;

use super::super::Org;
use super::super::refusals::{integrity, refuse};
use super::Change;
use super::user::{linked_user, text};
use crate::error::ApiError;

/// Checks owner and Account changes of an Account or Contact (`id` is `None` on create).
pub(crate) fn before_write(
    org: &mut Org,
    object: &str,
    id: Option<&str>,
    change: &mut Change,
) -> Result<(), ApiError> {
    if id.is_none()
        && text(change, "OwnerId").is_none()
        && let Some(owner) = org.acting_user.clone()
    {
        change.insert("OwnerId".into(), json!(owner));
    }
    if let Some(owner) = text(change, "OwnerId") {
        let active = org.store.get(&owner).is_some_and(|u| u.flag("IsActive"));
        if !active {
            return Err(refuse(
                "INACTIVE_OWNER_OR_USER",
                format!("operation performed with inactive user [{owner}] as owner of {object}"),
                &[],
            ));
        }
    }
    if object == "Contact"
        && let Some(id) = id
        && change.contains_key("AccountId")
    {
        let moved = org.text_of(id, "AccountId") != text(change, "AccountId");
        let enabled_user = linked_user(org, id)
            .is_some_and(|u| org.store.get(&u).is_some_and(|r| r.flag("IsPortalEnabled")));
        if moved && enabled_user {
            return Err(integrity(
                "Cannot change the account of a contact that is linked to an external user",
                &["AccountId"],
            ));
        }
    }
    Ok(())
}

/// A Contact linked to an external user, or an Account with such Contacts, cannot be deleted.
pub(crate) fn before_delete(org: &Org, object: &str, id: &str) -> Result<(), ApiError> {
    let contacts: Vec<String> = match object {
        "Contact" => vec![id.to_owned()],
        _ => org
            .store
            .find("Contact", "AccountId", &serde_json::json!(id))
            .map(|c| c.id.clone())
            .collect(),
    };
    let users: Vec<String> = contacts
        .iter()
        .filter_map(|c| linked_user(org, c))
        .filter_map(|u| org.text_of(&u, "Username"))
        .collect();
    if users.is_empty() {
        return Ok(());
    }
    let name = org.text_of(id, "Name").unwrap_or_default();
    Err(refuse(
        "DELETE_FAILED",
        format!(
            "Your attempt to delete {name} could not be completed because it is associated with the following portal users.: {}",
            users.join(", ")
        ),
        &[],
    ))
}
