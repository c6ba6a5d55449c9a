//! The run-as user's permissions, as the org reports them: every permission set the user holds
//! (the profile's own set among them: Salesforce lists it in `PermissionSetAssignment` with
//! `IsOwnedByProfile` true), their `Permissions<Name>` fields, and the `ObjectPermissions` and
//! `FieldPermissions` rows under them. Two API calls: the assignments, then one composite for
//! object and field permissions.

use std::collections::{BTreeMap, BTreeSet};

use super::check::KeyFieldNames;
use super::table::AccessTable;
use crate::salesforce::{CallError, CompositeRequest, Record, SalesforceClient, soql};

/// What one user holds, summed over the profile and every permission set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Grants {
    /// Names of the permission sets held, the profile's own set included.
    pub permission_sets: Vec<String>,
    /// User permissions enabled by any of them (names without `Permissions`).
    pub user_permissions: BTreeSet<String>,
    /// Object permissions by sObject type.
    pub objects: BTreeMap<String, ObjectGrant>,
    /// Field permissions by `Object.Field`: (read, edit).
    pub fields: BTreeMap<String, (bool, bool)>,
    /// Whether `ObjectPermissions` and `FieldPermissions` could be read: they need View Setup
    /// and Configuration, so a user without it cannot show its object and field permissions.
    pub setup_readable: bool,
}

/// Object permissions on one sObject type.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ObjectGrant {
    pub read: bool,
    pub create: bool,
    pub edit: bool,
}

/// Reads `user_id`'s grants: the user permissions the table names, object permissions on the
/// objects it names, and field permissions on the two key fields.
pub async fn read_grants(
    client: &SalesforceClient,
    user_id: &str,
    table: &AccessTable,
    keys: &KeyFieldNames,
) -> Result<Grants, CallError> {
    let permissions = user_permission_names(table);
    let mut grants = Grants::default();
    let mut set_ids = Vec::new();
    for row in assignments(client, user_id, &permissions).await? {
        let Some(set) = row.parent("PermissionSet") else {
            continue;
        };
        if let Some(id) = row.text("PermissionSetId") {
            set_ids.push(id.to_owned());
        }
        grants
            .permission_sets
            .extend(set.text("Name").map(str::to_owned));
        for name in &permissions {
            if set.flag(&format!("Permissions{name}")) == Some(true) {
                grants.user_permissions.insert(name.clone());
            }
        }
    }
    if set_ids.is_empty() {
        // Holding no set at all, the user holds no object or field permission either.
        grants.setup_readable = true;
        return Ok(grants);
    }
    read_object_and_field_grants(client, &set_ids, table, keys, &mut grants).await?;
    Ok(grants)
}

/// Every user permission the table names, in order, once each.
fn user_permission_names(table: &AccessTable) -> Vec<String> {
    let names: BTreeSet<&String> = table
        .rows
        .iter()
        .flat_map(|r| r.all_of.iter().chain(&r.any_of))
        .collect();
    names.into_iter().cloned().collect()
}

async fn assignments(
    client: &SalesforceClient,
    user_id: &str,
    permissions: &[String],
) -> Result<Vec<Record>, CallError> {
    let flags: Vec<String> = permissions
        .iter()
        .map(|p| format!("PermissionSet.Permissions{p}"))
        .collect();
    let query = format!(
        "SELECT PermissionSetId, PermissionSet.Name, PermissionSet.IsOwnedByProfile, {} \
         FROM PermissionSetAssignment WHERE AssigneeId = {}",
        flags.join(", "),
        soql::quote(user_id)
    );
    Ok(client.query(&query).await?.records)
}

async fn read_object_and_field_grants(
    client: &SalesforceClient,
    set_ids: &[String],
    table: &AccessTable,
    keys: &KeyFieldNames,
    grants: &mut Grants,
) -> Result<(), CallError> {
    let parents = soql::quote_list(set_ids.iter().map(String::as_str));
    let objects: BTreeSet<&str> = table
        .rows
        .iter()
        .filter(|r| r.object_access.is_some())
        .filter_map(|r| r.object.as_deref())
        .collect();
    let fields = [keys.qualified_contact(), keys.qualified_account()];
    let mut request = CompositeRequest::new(false);
    request.query(
        "objects",
        &format!(
            "SELECT ParentId, SobjectType, PermissionsRead, PermissionsCreate, PermissionsEdit \
             FROM ObjectPermissions WHERE ParentId IN ({parents}) AND SobjectType IN ({})",
            soql::quote_list(objects.iter().copied())
        ),
    );
    request.query(
        "fields",
        &format!(
            "SELECT ParentId, Field, PermissionsRead, PermissionsEdit FROM FieldPermissions \
             WHERE ParentId IN ({parents}) AND Field IN ({})",
            soql::quote_list(fields.iter().map(String::as_str))
        ),
    );
    let response = client.composite(&request).await?;
    grants.setup_readable = true;
    for (reference, sum) in [
        ("objects", sum_object as fn(&mut Grants, &Record)),
        ("fields", sum_field),
    ] {
        let Some(answer) = response.get(reference) else {
            continue;
        };
        let rows = match answer.records() {
            Ok(rows) => rows,
            // Without View Setup the objects are not there for this user (`INVALID_TYPE`).
            Err(refusal) if refusal.code == "INVALID_TYPE" => {
                grants.setup_readable = false;
                continue;
            }
            Err(refusal) => return Err(CallError::Refused(refusal)),
        };
        for row in rows {
            sum(grants, &row);
        }
    }
    Ok(())
}

fn sum_object(grants: &mut Grants, row: &Record) {
    let Some(object) = row.text("SobjectType") else {
        return;
    };
    let grant = grants.objects.entry(object.to_owned()).or_default();
    grant.read |= row.flag("PermissionsRead") == Some(true);
    grant.create |= row.flag("PermissionsCreate") == Some(true);
    grant.edit |= row.flag("PermissionsEdit") == Some(true);
}

fn sum_field(grants: &mut Grants, row: &Record) {
    let Some(field) = row.text("Field") else {
        return;
    };
    let entry = grants.fields.entry(field.to_owned()).or_default();
    entry.0 |= row.flag("PermissionsRead") == Some(true);
    entry.1 |= row.flag("PermissionsEdit") == Some(true);
}
