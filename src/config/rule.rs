//! `[[sources.NAME.rules]]`: the mapping rules as written in the config.
//!
//! Every text field is a template (see docs/mapping.md). Unknown keys are collected rather than
//! refused by serde, so validation can name the rule they sit in; the mapping module compiles
//! and checks all of it when the config loads.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Keys a table held that Gatehouse does not know; reported as problems.
pub type UnknownKeys = BTreeMap<String, serde_json::Value>;

/// The most items one `for_each` rule takes from one event unless it sets its own `max_items`.
pub const DEFAULT_MAX_ITEMS: usize = 1_000;

/// One mapping rule: when it applies, which subject it is about, and what to do.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct RuleConfig {
    /// Names the rule in outcomes, logs and errors; unique within its source.
    #[serde(default)]
    pub name: String,
    /// Condition expression; the rule applies when it is true. None: always.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// Expression yielding a list; each item becomes its own command, bound as `item`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub for_each: Option<String>,
    /// The most items `for_each` may yield for one event (default [`DEFAULT_MAX_ITEMS`]); an
    /// event with more stays unmapped with the reason, so one delivery cannot fan out without
    /// bound. Needs `for_each`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<usize>,
    /// Template for each item's own dedupe id (Okta's `{{ item.uuid }}`); needs `for_each`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item_id: Option<String>,
    /// Template for the subject key, from the source's own ids (`partner-portal:{{ data.user.id }}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// Template for when the change happened at the source; the inbox's times when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurred_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provision: Option<ProvisionRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprovision: Option<DeprovisionRule>,
    /// Template for the reason an event is deliberately left alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ignore: Option<String>,
    #[serde(flatten, skip_serializing)]
    pub unknown: UnknownKeys,
}

/// `provision = { … }`: the desired external user, field by field.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ProvisionRule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<AccountRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<ContactRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alias: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nickname: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub locale: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_zone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_encoding: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub federation_id: Option<String>,
    /// Profile name; it fixes the licence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile: Option<String>,
    /// `user`, `manager` or `executive`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub permission_sets: Vec<String>,
    /// `none`, `site-setting` or `password-reset`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub welcome_email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purpose: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sponsor: Option<String>,
    /// When access ends; a date alone means the end of that day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<String>,
    #[serde(flatten, skip_serializing)]
    pub unknown: UnknownKeys,
}

/// `account = { key = "…" }` or `account = { id = "…" }`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct AccountRule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(flatten, skip_serializing)]
    pub unknown: UnknownKeys,
}

/// `contact = { first_name, last_name, email, extra = { Title = "…" } }`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ContactRule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    /// Further Contact fields by API name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub extra: BTreeMap<String, String>,
    #[serde(flatten, skip_serializing)]
    pub unknown: UnknownKeys,
}

/// `deprovision = { … }`: how the person is shown out.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct DeprovisionRule {
    /// `deactivate` (default), `freeze`, `freeze-then-deactivate` or `disable`. Plain text, never
    /// a template: the irreversible `disable` must be written out in the rule.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// For `freeze-then-deactivate`: how long the freeze lasts (`7d`, `24h`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grace: Option<String>,
    /// Template for what ended the access; the rule's name when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trigger: Option<String>,
    /// Template for when it takes effect; a date alone means the end of that day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective: Option<String>,
    #[serde(flatten, skip_serializing)]
    pub unknown: UnknownKeys,
}
