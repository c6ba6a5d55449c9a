//! Compiling a provision rule: every field Salesforce requires, resolved against the defaults.

use super::{Compiler, Defaults, PROVISION_KEYS, RuleKey};
use crate::config::ProvisionRule;
use crate::mapping::language::Template;
use crate::mapping::rule::{AccountTemplate, ProvisionTemplates};
use crate::mapping::values;

impl Compiler {
    pub(super) fn provision(
        &mut self,
        key: &RuleKey,
        p: &ProvisionRule,
        defaults: &Defaults,
    ) -> Option<ProvisionTemplates> {
        let before = self.problems.len();
        self.unknown(key, "provision.", &p.unknown, PROVISION_KEYS);
        let account = self.account(key, p);
        let contact = p.contact.clone().unwrap_or_default();
        if p.contact.is_some() {
            self.unknown(
                key,
                "provision.contact.",
                &contact.unknown,
                "first_name, last_name, email, extra",
            );
        }
        let first_name = self.optional(
            key,
            "provision.contact.first_name",
            contact.first_name.as_ref(),
        );
        let last_name = self.required(
            key,
            "provision.contact.last_name",
            contact.last_name.as_ref(),
            "Salesforce requires a Contact's last name",
        );
        let email = self.required(
            key,
            "provision.contact.email",
            contact.email.as_ref(),
            "Salesforce requires a User's email",
        );
        let extra: Vec<(String, Option<Template>)> = contact
            .extra
            .iter()
            .map(|(field, source)| {
                (
                    field.clone(),
                    self.template(key, &format!("provision.contact.extra.{field}"), source),
                )
            })
            .collect();
        let username = match (&p.username, &defaults.username) {
            (Some(source), _) => self.template(key, "provision.username", source),
            (None, Some(default)) => Some(default.clone()),
            (None, None) => {
                self.problem(key.key("provision.username"), "required here or as username in [mapping.defaults]: usernames are unique across every Salesforce org, so choose a scheme such as \"{{ contact.email }}.acme\"".to_owned());
                None
            }
        };
        if username.as_ref().is_some_and(|t| t.literal().is_some()) {
            self.problem(key.key("provision.username"), "a fixed username would be the same for every person; build it from the event, e.g. \"{{ contact.email }}.acme\"".to_owned());
        }
        let mut setting = |field: &str, own: Option<&String>, default: &Option<Template>| match own
        {
            Some(source) => self.template(key, &format!("provision.{field}"), source),
            None => default.clone(),
        };
        let locale = setting("locale", p.locale.as_ref(), &defaults.locale);
        let time_zone = setting("time_zone", p.time_zone.as_ref(), &defaults.time_zone);
        let email_encoding = setting(
            "email_encoding",
            p.email_encoding.as_ref(),
            &defaults.email_encoding,
        );
        let language = setting("language", p.language.as_ref(), &defaults.language);
        if p.time_zone.is_some() {
            self.literal(key, &time_zone, values::time_zone);
        }
        let profile = self.required(
            key,
            "provision.profile",
            p.profile.as_ref(),
            "the profile's name, e.g. \"Partner Community User\"; it fixes the licence",
        );
        let role = self.optional(key, "provision.role", p.role.as_ref());
        self.literal(key, &role, |t| values::role(t).map(|_| ()));
        let welcome_email = self.optional(key, "provision.welcome_email", p.welcome_email.as_ref());
        self.literal(key, &welcome_email, |t| {
            values::welcome_email(t).map(|_| ())
        });
        let permission_sets: Vec<Option<Template>> = p
            .permission_sets
            .iter()
            .enumerate()
            .map(|(i, source)| {
                self.template(key, &format!("provision.permission_sets[{i}]"), source)
            })
            .collect();
        let templates = ProvisionTemplates {
            account: account?,
            first_name,
            last_name: last_name?,
            email: email?,
            extra: extra
                .into_iter()
                .map(|(f, t)| Some((f, t?)))
                .collect::<Option<_>>()?,
            username: username?,
            alias: self.optional(key, "provision.alias", p.alias.as_ref()),
            nickname: self.optional(key, "provision.nickname", p.nickname.as_ref()),
            locale: locale?,
            time_zone: time_zone?,
            email_encoding: email_encoding?,
            language: language?,
            federation_id: self.optional(key, "provision.federation_id", p.federation_id.as_ref()),
            profile: profile?,
            role,
            permission_sets: permission_sets.into_iter().collect::<Option<_>>()?,
            welcome_email,
            purpose: self.optional(key, "provision.purpose", p.purpose.as_ref()),
            sponsor: self.optional(key, "provision.sponsor", p.sponsor.as_ref()),
            end_date: self.optional(key, "provision.end_date", p.end_date.as_ref()),
        };
        (self.problems.len() == before).then_some(templates)
    }

    fn account(&mut self, key: &RuleKey, p: &ProvisionRule) -> Option<AccountTemplate> {
        let Some(account) = &p.account else {
            self.problem(key.key("provision.account"), "required: account = { key = \"{{ data.partner_id }}\" } (the Account's external key) or { id = \"001…\" }".to_owned());
            return None;
        };
        self.unknown(key, "provision.account.", &account.unknown, "key or id");
        match (&account.key, &account.id) {
            (Some(source), None) => self
                .template(key, "provision.account.key", source)
                .map(AccountTemplate::Key),
            (None, Some(source)) => {
                let id = self.template(key, "provision.account.id", source);
                self.literal(key, &id, values::account_id);
                id.map(AccountTemplate::Id)
            }
            _ => {
                self.problem(key.key("provision.account"), "give exactly one of key (the Account's external key) or id (its Salesforce id)".to_owned());
                None
            }
        }
    }
}
