//! The Experience Cloud site (Network) and who belongs to it (NetworkMember).

use super::{FieldDef, ObjectDef, Operations};
use crate::ids;

/// The site. Comes with the org.
pub fn network() -> ObjectDef {
    ObjectDef::with_system_fields(
        "Network",
        "Network",
        ids::NETWORK,
        Operations::READ_ONLY,
        vec![
            FieldDef::text("Name", "Name", 255).required(),
            FieldDef::text("UrlPathPrefix", "URL Path Prefix", 255),
            FieldDef::picklist(
                "Status",
                "Status",
                &["UnderConstruction", "Live", "DownForMaintenance"],
            )
            .not_nillable(),
            FieldDef::text("Description", "Description", 255),
            FieldDef::boolean("OptionsSendWelcomeEmail", "Send welcome email"),
        ],
    )
}

/// A profile or permission set whose users are members of the site (Setup → the site's
/// Administration → Members). Comes with the org's site setup; read-only here.
pub fn network_member_group() -> ObjectDef {
    ObjectDef::with_system_fields(
        "NetworkMemberGroup",
        "Network Member Group",
        ids::NETWORK_MEMBER_GROUP,
        Operations::READ_ONLY,
        vec![
            FieldDef::reference("NetworkId", "Network ID", "Network", "Network")
                .read_only()
                .not_nillable(),
            // Polymorphic: a Profile or a PermissionSet.
            FieldDef {
                reference_to: vec!["Profile".to_owned(), "PermissionSet".to_owned()],
                ..FieldDef::reference("ParentId", "Parent ID", "Profile", "Parent")
            }
            .read_only()
            .not_nillable(),
            FieldDef::picklist(
                "AssignmentStatus",
                "Assignment Status",
                &["Added", "Removed"],
            )
            .not_nillable(),
        ],
    )
}

/// Membership of a user in the site: made by the org when the user's profile (or a permission
/// set) is a member; only the member's preferences can be changed.
pub fn network_member() -> ObjectDef {
    ObjectDef::with_system_fields(
        "NetworkMember",
        "Network Member",
        ids::NETWORK_MEMBER,
        Operations {
            create: false,
            delete: false,
            upsert: false,
            ..Operations::ALL
        },
        vec![
            FieldDef::reference("NetworkId", "Network ID", "Network", "Network")
                .read_only()
                .not_nillable(),
            FieldDef::reference("MemberId", "Member ID", "User", "Member")
                .read_only()
                .not_nillable(),
            FieldDef::picklist(
                "DefaultGroupNotificationFrequency",
                "Default Notification Frequency when Joining Groups",
                &["P", "D", "W", "N"],
            )
            .not_nillable(),
            FieldDef::boolean("PreferencesDisableAllFeedsEmail", "Receive Emails"),
        ],
    )
}
