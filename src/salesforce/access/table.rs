//! The table itself: `salesforce/access.toml`, compiled in and parsed.

use serde::Deserialize;

/// The table's text, as shipped in `salesforce/access.toml`.
pub const TABLE_TOML: &str = include_str!("../../../salesforce/access.toml");

/// The shipped permission set that grants everything Gatehouse needs except freezing.
pub const INTEGRATION_SET: &str = "Gatehouse_Integration";
/// The shipped permission set for freezing and unfreezing (Manage Users and its dependencies).
pub const FREEZE_SET: &str = "Gatehouse_Integration_Freeze";

/// Every row of the table, in the file's order.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessTable {
    #[serde(rename = "row")]
    pub rows: Vec<AccessRow>,
}

/// One (object or REST resource, operation) Gatehouse uses, and what it needs.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessRow {
    /// The sObject type, when the row is about one.
    #[serde(default)]
    pub object: Option<String>,
    /// A REST resource (`/limits`) or the API as a whole, when the row is not about an object.
    #[serde(default)]
    pub resource: Option<String>,
    /// `read`, `create`, `edit`, `upsert` or `reset`.
    pub operation: String,
    /// The object permission needed, if any.
    #[serde(default)]
    pub object_access: Option<ObjectAccess>,
    /// User permissions needed, every one (names without the `Permissions` prefix).
    #[serde(default)]
    pub all_of: Vec<String>,
    /// User permissions of which one is enough.
    #[serde(default)]
    pub any_of: Vec<String>,
    /// Field permissions on the key fields.
    #[serde(default)]
    pub fields: Vec<FieldNeed>,
    /// When Gatehouse makes the call.
    pub when: When,
    /// What Gatehouse does with it.
    pub calls: String,
    /// What a real org answers without it.
    #[serde(default)]
    pub refusal: Option<Refusal>,
    /// Where Salesforce documents the need.
    pub source: Source,
}

impl AccessRow {
    /// The object or resource, as the docs name it.
    pub fn subject(&self) -> &str {
        self.object
            .as_deref()
            .or(self.resource.as_deref())
            .unwrap_or_default()
    }

    /// Whether the row needs anything at all of the user.
    pub fn needs_anything(&self) -> bool {
        self.object_access.is_some()
            || !self.all_of.is_empty()
            || !self.any_of.is_empty()
            || !self.fields.is_empty()
    }

    /// The shipped permission set that grants what this row needs.
    pub fn granted_by(&self) -> &'static str {
        match self.when {
            When::Freezes => FREEZE_SET,
            _ => INTEGRATION_SET,
        }
    }
}

/// An object permission, weakest first: create and edit each include read in Salesforce's
/// model (ObjectPermissions: "Requires PermissionsRead for the same object").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectAccess {
    Read,
    Create,
    Edit,
}

impl ObjectAccess {
    /// The label Setup shows.
    pub fn label(self) -> &'static str {
        match self {
            ObjectAccess::Read => "Read",
            ObjectAccess::Create => "Create",
            ObjectAccess::Edit => "Edit",
        }
    }
}

/// A field permission on a key field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldNeed {
    pub role: KeyRole,
    pub access: FieldAccess,
}

/// Which key field, by the role it plays: the field's name is configured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyRole {
    ContactKey,
    AccountKey,
}

impl KeyRole {
    /// The object the key field lives on.
    pub fn object(self) -> &'static str {
        match self {
            KeyRole::ContactKey => "Contact",
            KeyRole::AccountKey => "Account",
        }
    }

    /// How the docs name it.
    pub fn label(self) -> &'static str {
        match self {
            KeyRole::ContactKey => "contact key",
            KeyRole::AccountKey => "account key",
        }
    }
}

/// Field-level security: read (visible) or edit (and visible).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldAccess {
    Read,
    Edit,
}

/// When Gatehouse makes a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum When {
    /// On every provision or deprovision, or at start-up.
    Always,
    /// Only when a deprovision rule freezes.
    Freezes,
    /// Only when rules assign permission sets.
    AssignsPermissionSets,
    /// Only with a password-reset welcome email.
    PasswordResetWelcome,
    /// Only while the API reserve is reached.
    LimitsReserve,
    /// Only in the preflight (`gatehouse doctor`).
    Doctor,
}

impl When {
    /// How the docs say it.
    pub fn label(self) -> &'static str {
        match self {
            When::Always => "always",
            When::Freezes => "only when a rule freezes",
            When::AssignsPermissionSets => "only when rules assign permission sets",
            When::PasswordResetWelcome => "only with `welcome_email = \"password_reset\"`",
            When::LimitsReserve => "only while the API reserve is reached",
            When::Doctor => "only in `gatehouse doctor`",
        }
    }
}

/// A real org's answer without the permission.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Refusal {
    pub status: u16,
    pub code: String,
    pub message: String,
}

/// Where the need is documented.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: String,
    pub url: String,
    /// False when Salesforce's documentation does not say it.
    pub documented: bool,
}

/// What a configuration makes Gatehouse do, in the table's terms: which of its `when`
/// situations apply. The preflight holds the run-as user only to the rows that apply.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Uses {
    /// A deprovision rule freezes (or unfreezes).
    pub freezes: bool,
    /// Some rule assigns permission sets.
    pub assigns_permission_sets: bool,
    /// Some rule welcomes new users with a password reset.
    pub password_reset_welcome: bool,
}

impl Uses {
    /// Whether a row's situation applies. `/limits` is held to always: the reserve can be
    /// reached in any org. The preflight's own reads are held to always, as the preflight is
    /// what asks.
    pub fn applies(&self, when: When) -> bool {
        match when {
            When::Always | When::LimitsReserve | When::Doctor => true,
            When::Freezes => self.freezes,
            When::AssignsPermissionSets => self.assigns_permission_sets,
            When::PasswordResetWelcome => self.password_reset_welcome,
        }
    }
}

impl AccessTable {
    /// The shipped table. It is compiled in, not read from outside, and the test
    /// `shipped_table_parses` holds it to this type: a broken file fails the tests, never a
    /// running service.
    pub fn shipped() -> AccessTable {
        AccessTable::parse(TABLE_TOML).expect("salesforce/access.toml parses (see its test)")
    }

    /// Parses a table.
    pub fn parse(text: &str) -> Result<AccessTable, toml::de::Error> {
        toml::from_str(text)
    }
}
