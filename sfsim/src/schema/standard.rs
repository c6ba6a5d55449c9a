//! The objects of the simulated org, in the order describeGlobal lists them.

use super::{ObjectDef, Schema, access, crm, permissions, sites, users};

impl Schema {
    /// Every object provisioning meets: Account, Contact, User, UserLogin, Profile,
    /// UserLicense, UserRole, PermissionSet, PermissionSetAssignment, Network, NetworkMember,
    /// NetworkMemberGroup, and what a permission set grants: ObjectPermissions and
    /// FieldPermissions.
    pub fn standard() -> Schema {
        Schema {
            objects: vec![
                crm::account(),
                crm::contact(),
                permissions::field_permissions(),
                sites::network(),
                permissions::object_permissions(),
                sites::network_member(),
                sites::network_member_group(),
                access::permission_set(),
                access::permission_set_assignment(),
                access::profile(),
                users::user(),
                access::user_license(),
                users::user_login(),
                access::user_role(),
            ],
        }
    }

    /// The object whose ids start with this key prefix (case-sensitive: `00e` is Profile,
    /// `00E` is UserRole).
    pub fn object_by_key_prefix(&self, prefix: &str) -> Option<&ObjectDef> {
        self.objects.iter().find(|o| o.key_prefix == prefix)
    }
}

#[cfg(test)]
mod tests;
