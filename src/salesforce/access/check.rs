//! The table held against a user's grants: what is missing, what needs it, and the fix.

use std::fmt;

use super::grants::{Grants, read_grants};
use super::table::{AccessRow, AccessTable, FieldAccess, ObjectAccess, Uses};
use crate::salesforce::{CallError, SalesforceClient};

/// The configured names of the two key fields (`[salesforce] contact_key_field` and
/// `account_key_field`), which the table names only by role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFieldNames {
    pub contact: String,
    pub account: String,
}

impl KeyFieldNames {
    /// `Contact.<field>`, as `FieldPermissions.Field` names it.
    pub fn qualified_contact(&self) -> String {
        format!("Contact.{}", self.contact)
    }

    /// `Account.<field>`.
    pub fn qualified_account(&self) -> String {
        format!("Account.{}", self.account)
    }
}

/// One thing the run-as user lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What is missing: `user permission ManageUsers`, `object permission Edit on Contact`,
    /// `field permission Read on Contact.Gatehouse_Key__c`, or `one of …`.
    pub missing: String,
    /// What Gatehouse needs it for: the row's object or resource, operation and calls.
    pub needed_for: String,
    /// The fix: the shipped permission set that grants it.
    pub fix: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "missing {}, needed for {}; fix: {}",
            self.missing, self.needed_for, self.fix
        )
    }
}

/// Reads the run-as user's grants and returns what the shipped table needs, in the situations
/// `uses` says apply, that they lack. Empty means the user holds enough.
pub async fn check_run_as_user(
    client: &SalesforceClient,
    user_id: &str,
    uses: Uses,
    keys: &KeyFieldNames,
) -> Result<Vec<Finding>, CallError> {
    let table = AccessTable::shipped();
    let grants = read_grants(client, user_id, &table, keys).await?;
    Ok(missing(&table, &grants, uses, keys))
}

/// What `grants` lack of the rows of `table` that apply under `uses`; each missing permission
/// is reported once, at the first row that needs it.
pub fn missing(
    table: &AccessTable,
    grants: &Grants,
    uses: Uses,
    keys: &KeyFieldNames,
) -> Vec<Finding> {
    let mut findings: Vec<Finding> = Vec::new();
    for row in table.rows.iter().filter(|r| uses.applies(r.when)) {
        for missing in row_missing(row, grants, keys) {
            if findings.iter().all(|f| f.missing != missing) {
                findings.push(Finding {
                    missing,
                    needed_for: format!("{} {}: {}", row.subject(), row.operation, row.calls),
                    fix: format!(
                        "assign the permission set {} to the run-as user (deploy it from salesforce/)",
                        row.granted_by()
                    ),
                });
            }
        }
    }
    findings
}

/// What one row needs that `grants` lack, each as the finding's `missing` text.
fn row_missing(row: &AccessRow, grants: &Grants, keys: &KeyFieldNames) -> Vec<String> {
    let mut missing: Vec<String> = row
        .all_of
        .iter()
        .filter(|p| !grants.user_permissions.contains(*p))
        .map(|p| format!("user permission {p}"))
        .collect();
    if !row.any_of.is_empty()
        && !row
            .any_of
            .iter()
            .any(|p| grants.user_permissions.contains(p))
    {
        missing.push(format!(
            "one of the user permissions {}",
            row.any_of.join(", ")
        ));
    }
    // Object and field permissions that could not be read (no View Setup, itself a finding)
    // are not reported missing: nobody knows.
    if !grants.setup_readable {
        return missing;
    }
    if let (Some(object), Some(access)) = (row.object.as_deref(), row.object_access) {
        let held = grants.objects.get(object).copied().unwrap_or_default();
        let has = match access {
            ObjectAccess::Read => held.read,
            ObjectAccess::Create => held.read && held.create,
            ObjectAccess::Edit => held.read && held.edit,
        };
        if !has {
            missing.push(format!("object permission {} on {object}", access.label()));
        }
    }
    for need in &row.fields {
        let field = match need.role {
            super::table::KeyRole::ContactKey => keys.qualified_contact(),
            super::table::KeyRole::AccountKey => keys.qualified_account(),
        };
        let (read, edit) = grants.fields.get(&field).copied().unwrap_or_default();
        let (has, label) = match need.access {
            FieldAccess::Read => (read, "Read"),
            FieldAccess::Edit => (read && edit, "Edit"),
        };
        if !has {
            missing.push(format!("field permission {label} on {field}"));
        }
    }
    missing
}
