//! Switches for the org's quirks, read and patched by the control endpoint.

use serde::{Deserialize, Serialize};

/// How the org behaves where Salesforce orgs differ or where the behaviour is hard to observe.
/// Every field has a default, so a fixture or a control request may give any subset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct OrgSettings {
    /// Refuse setup objects (User, UserRole, PermissionSetAssignment, …) and non-setup objects
    /// (Account, Contact) written in one all-or-none transaction, with `MIXED_DML_OPERATION`.
    pub enforce_mixed_dml: bool,
    /// A change of an internal User's `Email` is held until confirmed: the field keeps the old
    /// address and a verification email goes to the new one (every time the change is asked
    /// for). An external user's change never waits: it applies at once, unverified.
    pub email_change_needs_confirmation: bool,
    /// Refuse moving an external user to a profile of another licence type with
    /// `FIELD_INTEGRITY_EXCEPTION`. When off, the move is made and the licence counts follow.
    pub refuse_cross_licence_profile_change: bool,
    /// The Experience Cloud site sends its welcome email when an external user who is a member
    /// of the site is created.
    pub site_sends_welcome_email: bool,
    /// Usernames taken in other Salesforce orgs: creating or renaming a user to one of them
    /// fails with `DUPLICATE_USERNAME`, as usernames are unique across all orgs.
    pub taken_usernames: Vec<String>,
}

impl Default for OrgSettings {
    fn default() -> Self {
        OrgSettings {
            enforce_mixed_dml: false,
            email_change_needs_confirmation: false,
            refuse_cross_licence_profile_change: true,
            site_sends_welcome_email: true,
            taken_usernames: Vec::new(),
        }
    }
}

impl OrgSettings {
    /// Whether another org already holds this username (case-insensitive).
    pub fn username_taken_elsewhere(&self, username: &str) -> bool {
        self.taken_usernames
            .iter()
            .any(|u| u.eq_ignore_ascii_case(username))
    }
}
