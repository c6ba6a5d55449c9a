//! What a permission set grants, as the API shows it: user permissions as `Permissions<Name>`
//! boolean fields of `PermissionSet`, object permissions as `ObjectPermissions` rows and field
//! permissions as `FieldPermissions` rows, each under its parent set (ObjectPermissions and
//! FieldPermissions, Object Reference).

use super::{FieldDef, ObjectDef, Operations};
use crate::ids;

/// The user permissions sfsim models: those Gatehouse's calls need and those the shipped
/// permission sets grant (names as in metadata, without the `Permissions` prefix), plus
/// `ModifyAllData` and `ViewAllData`, which a System Administrator holds.
pub const USER_PERMISSIONS: &[&str] = &[
    "ApiEnabled",
    "AssignPermissionSets",
    "DelegatedTwoFactor",
    "FreezeUsers",
    "ManageInternalUsers",
    "ManageIpAddresses",
    "ManageLoginAccessPolicies",
    "ManagePartners",
    "ManagePasswordPolicies",
    "ManageProfilesPermissionsets",
    "ManageRoles",
    "ManageSharing",
    "ManageUsers",
    "ModifyAllData",
    "ResetPasswords",
    "ViewAllData",
    "ViewAllUsers",
    "ViewRoles",
    "ViewSetup",
];

/// `PermissionsApiEnabled` … for every modelled user permission.
pub(super) fn user_permission_fields() -> Vec<FieldDef> {
    USER_PERMISSIONS
        .iter()
        .map(|name| FieldDef::boolean(&format!("Permissions{name}"), name).read_only())
        .collect()
}

/// One object's permissions under a permission set.
pub fn object_permissions() -> ObjectDef {
    ObjectDef::with_system_fields(
        "ObjectPermissions",
        "Object Permissions",
        ids::OBJECT_PERMISSIONS,
        Operations::READ_ONLY,
        vec![
            FieldDef::reference("ParentId", "Parent ID", "PermissionSet", "Parent").required(),
            FieldDef::text("SobjectType", "SObject Type Name", 40).required(),
            FieldDef::boolean("PermissionsRead", "Read Records"),
            FieldDef::boolean("PermissionsCreate", "Create Records"),
            FieldDef::boolean("PermissionsEdit", "Edit Records"),
            FieldDef::boolean("PermissionsDelete", "Delete Records"),
            FieldDef::boolean("PermissionsViewAllRecords", "Read All Records"),
            FieldDef::boolean("PermissionsModifyAllRecords", "Edit All Records"),
        ],
    )
}

/// One field's permissions under a permission set; `Field` is `Object.Field`.
pub fn field_permissions() -> ObjectDef {
    ObjectDef::with_system_fields(
        "FieldPermissions",
        "Field Permissions",
        ids::FIELD_PERMISSIONS,
        Operations::READ_ONLY,
        vec![
            FieldDef::reference("ParentId", "Parent ID", "PermissionSet", "Parent").required(),
            FieldDef::text("SobjectType", "SObject Type Name", 40).required(),
            FieldDef::text("Field", "Field Name", 80).required(),
            FieldDef::boolean("PermissionsRead", "Read Field"),
            FieldDef::boolean("PermissionsEdit", "Edit Field"),
        ],
    )
}
