//! Rules as compiled: templates in the environment, literals checked, defaults filled in.

use crate::domain::DeprovisionMode;

use super::language::{Expression, Template};

/// One rule, ready to evaluate.
#[derive(Debug, Clone)]
pub(crate) struct CompiledRule {
    pub name: String,
    pub when: Option<Expression>,
    pub for_each: Option<Expression>,
    /// The most items `for_each` may yield for one event.
    pub max_items: usize,
    pub item_id: Option<Template>,
    /// Present for provision and deprovision rules.
    pub subject: Option<Template>,
    pub occurred_at: Option<Template>,
    pub action: Action,
}

/// What a matching rule does.
#[derive(Debug, Clone)]
pub(crate) enum Action {
    Provision(Box<ProvisionTemplates>),
    Deprovision(DeprovisionTemplates),
    /// The reason, as a template.
    Ignore(Template),
}

#[derive(Debug, Clone)]
pub(crate) enum AccountTemplate {
    Key(Template),
    Id(Template),
}

/// Every provision field; the User settings already resolved against `[mapping.defaults]`.
#[derive(Debug, Clone)]
pub(crate) struct ProvisionTemplates {
    pub account: AccountTemplate,
    pub first_name: Option<Template>,
    pub last_name: Template,
    pub email: Template,
    pub extra: Vec<(String, Template)>,
    pub username: Template,
    pub alias: Option<Template>,
    pub nickname: Option<Template>,
    pub locale: Template,
    pub time_zone: Template,
    pub email_encoding: Template,
    pub language: Template,
    pub federation_id: Option<Template>,
    pub profile: Template,
    pub role: Option<Template>,
    pub permission_sets: Vec<Template>,
    pub welcome_email: Option<Template>,
    pub purpose: Option<Template>,
    pub sponsor: Option<Template>,
    pub end_date: Option<Template>,
}

#[derive(Debug, Clone)]
pub(crate) struct DeprovisionTemplates {
    /// Fixed in the config, never rendered: `disable` exists only where a rule spells it out.
    pub mode: DeprovisionMode,
    pub trigger: Option<Template>,
    pub effective: Option<Template>,
}
