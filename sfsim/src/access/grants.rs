//! A user's effective permissions: the profile's own permission set and every assigned one,
//! summed. Read from the org's records, the same rows a client sees when it queries
//! `PermissionSet`, `ObjectPermissions` and `FieldPermissions`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::org::Org;
use crate::record::Record;
use crate::schema::USER_PERMISSIONS;

/// What one user may do.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grants {
    /// Enabled user permissions (`ApiEnabled`, `ManageUsers`, …).
    pub user_permissions: BTreeSet<String>,
    /// Object permissions by object name: read, create, edit, delete.
    pub objects: BTreeMap<String, [bool; 4]>,
    /// Field permissions by `Object.Field` (lower-case): read, edit.
    pub fields: BTreeMap<String, [bool; 2]>,
}

impl Grants {
    /// The grants of `user_id`, or none for a user the org does not have.
    pub fn of(org: &Org, user_id: &str) -> Grants {
        let sets = permission_sets_of(org, user_id);
        let mut grants = Grants::default();
        for set in org
            .records_of("PermissionSet")
            .filter(|s| sets.contains(&s.id))
        {
            for name in USER_PERMISSIONS {
                if flag(set, &format!("Permissions{name}")) {
                    grants.user_permissions.insert((*name).to_owned());
                }
            }
        }
        for row in org
            .records_of("ObjectPermissions")
            .filter(|r| parent_in(r, &sets))
        {
            let object = text(row, "SobjectType").to_owned();
            let entry = grants.objects.entry(object).or_default();
            for (i, name) in ["Read", "Create", "Edit", "Delete"].iter().enumerate() {
                entry[i] |= flag(row, &format!("Permissions{name}"));
            }
        }
        for row in org
            .records_of("FieldPermissions")
            .filter(|r| parent_in(r, &sets))
        {
            let entry = grants
                .fields
                .entry(text(row, "Field").to_ascii_lowercase())
                .or_default();
            entry[0] |= flag(row, "PermissionsRead");
            entry[1] |= flag(row, "PermissionsEdit");
        }
        grants
    }

    /// Whether the user holds a user permission. Modify All Data stands for everything.
    pub fn has(&self, permission: &str) -> bool {
        self.user_permissions.contains(permission) || self.modifies_all()
    }

    /// System Administrator's Modify All Data: every object and field, every permission.
    pub fn modifies_all(&self) -> bool {
        self.user_permissions.contains("ModifyAllData")
    }
}

/// Ids of the permission sets `user_id` holds: the profile's own and the assigned ones.
fn permission_sets_of(org: &Org, user_id: &str) -> BTreeSet<String> {
    let profile = org
        .record(user_id)
        .and_then(|u| u.get("ProfileId"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    let mut sets: BTreeSet<String> = org
        .assignments_of(user_id)
        .into_iter()
        .map(|a| text(a, "PermissionSetId").to_owned())
        .collect();
    sets.extend(
        org.records_of("PermissionSet")
            .filter(|s| {
                profile.is_some()
                    && s.get("ProfileId").and_then(Value::as_str) == profile.as_deref()
            })
            .map(|s| s.id.clone()),
    );
    sets
}

fn parent_in(row: &Record, sets: &BTreeSet<String>) -> bool {
    sets.contains(text(row, "ParentId"))
}

fn flag(record: &Record, field: &str) -> bool {
    record.get(field).and_then(Value::as_bool) == Some(true)
}

fn text<'a>(record: &'a Record, field: &str) -> &'a str {
    record
        .get(field)
        .and_then(Value::as_str)
        .unwrap_or_default()
}
