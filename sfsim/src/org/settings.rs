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
    /// Setup → Digital Experiences → Settings, "Number of partner roles": how many portal roles
    /// (1 to 3) an Account gets with its first partner user.
    pub partner_roles: u8,
    /// The same for Customer Community Plus users ("Number of customer roles").
    pub customer_roles: u8,
    /// Sharing Settings, "Minimize the number of roles created": an Account's first active
    /// external user takes the account owner's shared person-account role, and the Account's
    /// own roles are made only with its second.
    pub minimize_roles: bool,
    /// Setup → Deliverability, "Access level": which emails leave the org at all.
    pub email_deliverability: Deliverability,
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
            partner_roles: 3,
            customer_roles: 3,
            minimize_roles: false,
            email_deliverability: Deliverability::All,
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

/// The org's email access level (Setup → Deliverability → Access to Send Email).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Deliverability {
    /// "All email": every kind leaves the org.
    All,
    /// "System email only": automatically generated emails such as password resets leave the
    /// org; an Experience Cloud site's welcome email does not.
    System,
    /// "No access": nothing leaves the org but password reset emails.
    None,
}

impl Deliverability {
    /// Whether an email of this kind leaves the org at this access level.
    pub fn lets_out(self, kind: super::EmailKind) -> bool {
        use super::EmailKind;
        matches!(
            (self, kind),
            (Deliverability::All, _)
                | (_, EmailKind::PasswordReset)
                | (Deliverability::System, EmailKind::EmailChangeVerification)
        )
    }
}
