//! The refusals: every data API call made for a session is held to what its user holds.
//!
//! - API Enabled, before anything else: `API_CURRENTLY_DISABLED` "API is disabled for this
//!   User".
//! - Object permissions on CRM objects (Account, Contact): without read the object is as good
//!   as absent (`NOT_FOUND` on sObject rows, `INVALID_TYPE` in SOQL); without create, edit or
//!   delete the write is refused `INSUFFICIENT_ACCESS_OR_READONLY`.
//! - User permissions the shared table names for setup objects and resources: `UserLogin`
//!   needs Manage Users, `UserRole` View Roles, `ObjectPermissions` and `FieldPermissions` View
//!   Setup, external users Manage External Users or Manage Users, `/limits` View Setup.
//! - Field-level security on custom fields: a field the user cannot read is as good as absent
//!   (`INVALID_FIELD` "No such column"); one it can read but not edit is refused on write
//!   (`INVALID_FIELD_FOR_INSERT_UPDATE`).
//!
//! sfsim/README.md cites where Salesforce documents each.

use actix_web::http::StatusCode;

use super::grants::Grants;
use super::table::{Need, Needs};
use crate::error::ApiError;
use crate::org::Org;

/// Objects whose access comes from object permissions. Setup objects (User, Profile, …) have
/// none: user permissions decide, as the shared table says.
const CRM_OBJECTS: [&str; 2] = ["Account", "Contact"];

/// What a call does to an object, in the shared table's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Read,
    Create,
    Edit,
    /// Create or edit by external id: needs both.
    Upsert,
    Delete,
    /// The password reset of a user.
    Reset,
}

impl Operation {
    fn table_name(self) -> &'static str {
        match self {
            Operation::Read => "read",
            Operation::Create => "create",
            Operation::Edit => "edit",
            Operation::Upsert => "upsert",
            Operation::Delete => "delete",
            Operation::Reset => "reset",
        }
    }
}

/// One caller's permissions and the table they are held to.
#[derive(Debug, Clone)]
pub struct Access {
    grants: Grants,
    needs: &'static Needs,
}

impl Access {
    /// The access of the user `user_id` in `org`.
    pub fn for_user(org: &Org, user_id: &str) -> Access {
        Access {
            grants: Grants::of(org, user_id),
            needs: Needs::shipped(),
        }
    }

    /// API Enabled, which every data API call needs.
    pub fn require_api(&self) -> Result<(), ApiError> {
        if self.grants.has("ApiEnabled") {
            return Ok(());
        }
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "API_CURRENTLY_DISABLED",
            "API is disabled for this User",
        ))
    }

    /// Whether the user holds a user permission.
    pub fn has(&self, permission: &str) -> bool {
        self.grants.has(permission)
    }

    /// A REST resource other than an sObject (`/limits`).
    pub fn require_resource(&self, resource: &str) -> Result<(), ApiError> {
        if self.meets(&self.needs.of(resource, "read")) {
            return Ok(());
        }
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "INSUFFICIENT_ACCESS",
            "insufficient access rights on object id",
        ))
    }

    /// `operation` on `object` through an sObject resource or a collection.
    pub fn require(&self, object: &str, operation: Operation) -> Result<(), ApiError> {
        if operation == Operation::Read {
            return if self.can_read_object(object) {
                Ok(())
            } else {
                Err(ApiError::resource_not_found())
            };
        }
        let allowed = self.object_permission(object, operation)
            && self.meets(&self.needs.of(object, operation.table_name()));
        if allowed {
            return Ok(());
        }
        Err(ApiError::bad_request(
            "INSUFFICIENT_ACCESS_OR_READONLY",
            "insufficient access rights on object id",
        ))
    }

    /// The fields a write sets: each must be visible and editable.
    pub fn require_writable<'a>(
        &self,
        object: &str,
        fields: impl IntoIterator<Item = &'a str>,
    ) -> Result<(), ApiError> {
        let mut read_only = Vec::new();
        for field in fields {
            if !self.can_read_field(object, field) {
                return Err(ApiError::bad_request(
                    "INVALID_FIELD",
                    format!("No such column '{field}' on sobject of type {object}"),
                ));
            }
            if !self.can_edit_field(object, field) {
                read_only.push(field.to_owned());
            }
        }
        if read_only.is_empty() {
            return Ok(());
        }
        Err(ApiError::bad_request(
            "INVALID_FIELD_FOR_INSERT_UPDATE",
            format!(
                "Unable to create/update fields: {}. Please check the security settings of this \
                 field and verify that it is read/write for your profile or permission set.",
                read_only.join(", ")
            ),
        )
        .with_fields(read_only))
    }

    /// Whether the user sees `object` at all: object read on CRM objects, the table's user
    /// permissions on setup objects.
    pub fn can_read_object(&self, object: &str) -> bool {
        self.object_permission(object, Operation::Read)
            && self.meets(&self.needs.of(object, "read"))
    }

    /// Field-level security: custom fields of CRM objects need a field permission; standard
    /// fields and setup objects' fields are visible with the object.
    pub fn can_read_field(&self, object: &str, field: &str) -> bool {
        !governed(object, field) || self.field_grant(object, field)[0]
    }

    fn can_edit_field(&self, object: &str, field: &str) -> bool {
        let [read, edit] = self.field_grant(object, field);
        !governed(object, field) || (read && edit)
    }

    fn field_grant(&self, object: &str, field: &str) -> [bool; 2] {
        if self.grants.modifies_all() {
            return [true, true];
        }
        let key = format!("{object}.{field}").to_ascii_lowercase();
        self.grants.fields.get(&key).copied().unwrap_or_default()
    }

    /// Object permissions: only CRM objects have them; read is needed for everything else.
    fn object_permission(&self, object: &str, operation: Operation) -> bool {
        if self.grants.modifies_all() || !CRM_OBJECTS.iter().any(|o| o.eq_ignore_ascii_case(object))
        {
            return true;
        }
        let [read, create, edit, delete] = self.object_grant(object);
        read && match operation {
            Operation::Read | Operation::Reset => true,
            Operation::Create => create,
            Operation::Edit => edit,
            Operation::Upsert => create && edit,
            Operation::Delete => edit && delete,
        }
    }

    fn object_grant(&self, object: &str) -> [bool; 4] {
        self.grants
            .objects
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case(object))
            .map(|(_, grant)| *grant)
            .unwrap_or_default()
    }

    fn meets(&self, need: &Need) -> bool {
        need.all_of.iter().all(|p| self.grants.has(p))
            && (need.any_of.is_empty() || need.any_of.iter().any(|p| self.grants.has(p)))
    }
}

/// Whether field-level security applies: custom fields of CRM objects.
fn governed(object: &str, field: &str) -> bool {
    CRM_OBJECTS.iter().any(|o| o.eq_ignore_ascii_case(object))
        && field.to_ascii_lowercase().ends_with("__c")
}
