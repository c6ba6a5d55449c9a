//! `[mapping]`: org-wide settings the mapping rules of every source share.

use serde::{Deserialize, Serialize};

/// `[mapping]`: how dates are read and which User settings apply when a rule names none.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MappingConfig {
    /// IANA zone (`Europe/Berlin`) in which zone-less timestamps (HiBob's `triggeredAt`) and
    /// dates on their own (a contract's `ended_at`) are read.
    pub time_zone: String,
    /// User settings for provision rules that do not set their own.
    pub defaults: UserDefaults,
    /// The most items all of one event's `for_each` lists may hold together; past it the event
    /// stays unmapped with the reason, whatever each rule's `max_items` allows.
    pub max_items_per_event: usize,
}

/// The default of `[mapping] max_items_per_event`.
pub const DEFAULT_MAX_ITEMS_PER_EVENT: usize = 10_000;

impl Default for MappingConfig {
    fn default() -> Self {
        MappingConfig {
            time_zone: "UTC".to_owned(),
            defaults: UserDefaults::default(),
            max_items_per_event: DEFAULT_MAX_ITEMS_PER_EVENT,
        }
    }
}

/// `[mapping.defaults]`: the User fields Salesforce requires on every create, as templates.
/// The locale settings have usable built-in values; the username has none on purpose: usernames
/// are unique across every Salesforce org, so each organisation must choose its own scheme
/// (e.g. `"{{ contact.email }}.acme"`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UserDefaults {
    /// `LocaleSidKey`.
    pub locale: String,
    /// `TimeZoneSidKey`, an IANA zone name.
    pub time_zone: String,
    /// `EmailEncodingKey`.
    pub email_encoding: String,
    /// `LanguageLocaleKey`.
    pub language: String,
    /// Username template for rules that set none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
}

impl Default for UserDefaults {
    fn default() -> Self {
        UserDefaults {
            locale: "en_US".to_owned(),
            time_zone: "GMT".to_owned(),
            email_encoding: "UTF-8".to_owned(),
            language: "en_US".to_owned(),
            username: None,
        }
    }
}
