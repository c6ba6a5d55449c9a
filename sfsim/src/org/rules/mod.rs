//! The org's rules, per object, around each write. `fields` runs first for every object; the
//! object's own module then checks what depends on other records and makes what the write
//! implies (portal roles, logins, site membership, emails).

use serde_json::{Map, Value};

use super::Org;
use crate::error::ApiError;

pub(crate) mod assignment;
pub(crate) mod crm;
pub(crate) mod fields;
pub(crate) mod portal;
pub(crate) mod uniqueness;
pub(crate) mod user;
pub(crate) mod user_update;

/// The checked values of one write, keyed by the schema's field names.
pub(crate) type Change = Map<String, Value>;

/// Object rules before a new record is stored; may add derived values to `change`.
pub(crate) fn before_create(
    org: &mut Org,
    object: &str,
    change: &mut Change,
) -> Result<(), ApiError> {
    match object {
        "User" => user::before_create(org, change),
        "Account" | "Contact" => crm::before_write(org, object, None, change),
        "PermissionSetAssignment" => assignment::before_create(org, change),
        _ => Ok(()),
    }
}

/// What follows from a new record once stored.
pub(crate) fn after_create(org: &mut Org, object: &str, id: &str) {
    match object {
        "User" => user::after_create(org, id),
        "PermissionSetAssignment" => assignment::after_create(org, id),
        _ => {}
    }
}

/// Object rules before a change is applied to record `id`.
pub(crate) fn before_update(
    org: &mut Org,
    object: &str,
    id: &str,
    change: &mut Change,
) -> Result<(), ApiError> {
    match object {
        "User" => user_update::before_update(org, id, change),
        "Account" | "Contact" => crm::before_write(org, object, Some(id), change),
        _ => Ok(()),
    }
}

/// What follows from a change once applied.
pub(crate) fn after_update(org: &mut Org, object: &str, id: &str) {
    if object == "User" {
        user_update::after_update(org, id);
    }
}

/// Object rules before record `id` is deleted.
pub(crate) fn before_delete(org: &Org, object: &str, id: &str) -> Result<(), ApiError> {
    match object {
        "Account" | "Contact" => crm::before_delete(org, object, id),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
