//! Profiles, licences, roles and permission sets: what a user may do and what it costs.

use super::picklists::{PORTAL_ROLES, PORTAL_TYPES, USER_TYPES};
use super::{FieldDef, ObjectDef, Operations};
use crate::ids;

/// A profile. Its licence decides the user's type and which licence pool the user draws on.
pub fn profile() -> ObjectDef {
    ObjectDef::with_system_fields(
        "Profile",
        "Profile",
        ids::PROFILE,
        Operations::READ_ONLY,
        vec![
            FieldDef::text("Name", "Name", 255).required(),
            FieldDef::text("Description", "Description", 255),
            FieldDef::reference(
                "UserLicenseId",
                "User License ID",
                "UserLicense",
                "UserLicense",
            )
            .required(),
            FieldDef::picklist("UserType", "User Type", USER_TYPES)
                .read_only()
                .not_nillable(),
        ],
    )
}

/// A licence pool. `UsedLicenses` counts active users whose profile draws on it; the org keeps
/// it current on every user change.
pub fn user_license() -> ObjectDef {
    ObjectDef::with_system_fields(
        "UserLicense",
        "User License",
        ids::USER_LICENSE,
        Operations::READ_ONLY,
        vec![
            FieldDef::text("Name", "Name", 40).required(),
            FieldDef::text("MasterLabel", "Master Label", 40),
            FieldDef::text("LicenseDefinitionKey", "License Definition Key", 40).required(),
            FieldDef::picklist("Status", "Status", &["Active", "Disabled"]).not_nillable(),
            FieldDef::int("TotalLicenses", "Total Licenses").not_nillable(),
            FieldDef::int("UsedLicenses", "Used Licenses").not_nillable(),
        ],
    )
}

/// A role. Internal roles come with the org; portal roles are made by the org per Account when
/// its first partner or Customer Community Plus user is created. Neither can be made through
/// the API.
pub fn user_role() -> ObjectDef {
    ObjectDef::with_system_fields(
        "UserRole",
        "Role",
        ids::USER_ROLE,
        Operations::READ_ONLY,
        vec![
            FieldDef::text("Name", "Name", 80).required(),
            FieldDef::text("DeveloperName", "Developer Name", 80),
            FieldDef::reference("ParentRoleId", "Parent Role ID", "UserRole", "ParentRole"),
            FieldDef::picklist("PortalType", "Portal Type", PORTAL_TYPES).not_nillable(),
            FieldDef::reference("PortalAccountId", "Account ID", "Account", "PortalAccount"),
            FieldDef::reference(
                "PortalAccountOwnerId",
                "User ID",
                "User",
                "PortalAccountOwner",
            ),
            FieldDef::picklist("PortalRole", "Portal Role", PORTAL_ROLES),
        ],
    )
}

/// A permission set; `LicenseId` ties it to users of one licence. Every profile owns one
/// (`IsOwnedByProfile`, `ProfileId`) holding the profile's permissions. Each user permission
/// is a boolean field `Permissions<Name>`.
pub fn permission_set() -> ObjectDef {
    let mut fields = vec![
        FieldDef::text("Name", "Name", 80).required(),
        FieldDef::text("Label", "Label", 80).required(),
        FieldDef::reference("LicenseId", "License ID", "UserLicense", "License"),
        FieldDef::boolean("IsOwnedByProfile", "Is Owned By Profile").read_only(),
        FieldDef::reference("ProfileId", "Profile ID", "Profile", "Profile").read_only(),
    ];
    fields.extend(super::permissions::user_permission_fields());
    ObjectDef::with_system_fields(
        "PermissionSet",
        "Permission Set",
        ids::PERMISSION_SET,
        Operations::READ_ONLY,
        fields,
    )
}

/// A permission set given to a user: created and deleted, never changed.
pub fn permission_set_assignment() -> ObjectDef {
    ObjectDef::with_system_fields(
        "PermissionSetAssignment",
        "Permission Set Assignment",
        ids::PERMISSION_SET_ASSIGNMENT,
        Operations {
            update: false,
            upsert: false,
            ..Operations::ALL
        },
        vec![
            FieldDef::reference("AssigneeId", "Assignee ID", "User", "Assignee")
                .create_only()
                .required(),
            FieldDef::reference(
                "PermissionSetId",
                "Permission Set ID",
                "PermissionSet",
                "PermissionSet",
            )
            .create_only()
            .required(),
        ],
    )
}
