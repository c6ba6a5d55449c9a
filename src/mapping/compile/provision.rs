//! Compiling a provision rule: every field Salesforce requires, resolved against the defaults.

use super::{Compiler, Defaults, PROVISION_KEYS, RuleKey};
use crate::config::ProvisionRule;
use crate::mapping::language::Template;
use crate::mapping::rule::{AccountTemplate, ProvisionTemplates};
use crate::mapping::values;

/// The Contact's own fields: names, email and any extra fields.
struct ContactTemplates {
    first_name: Option<Template>,
    last_name: Option<Template>,
    email: Option<Template>,
    extra: Vec<(String, Option<Template>)>,
}

/// The User's settings Salesforce requires, each the rule's own or `[mapping.defaults]`'.
struct UserSettings {
    locale: Option<Template>,
    time_zone: Option<Template>,
    email_encoding: Option<Template>,
    language: Option<Template>,
}

/// What the User may do and is told: profile (hence licence), role, permission sets, email.
struct AccessTemplates {
    profile: Option<Template>,
    role: Option<Template>,
    welcome_email: Option<Template>,
    permission_sets: Vec<Option<Template>>,
}

impl Compiler {
    /// Compiles a provision rule's fields in the order they are reported: the Account, the
    /// Contact, the username, the User's settings, its access, then the optional extras.
    pub(super) fn provision(
        &mut self,
        key: &RuleKey,
        p: &ProvisionRule,
        defaults: &Defaults,
    ) -> Option<ProvisionTemplates> {
        let before = self.problems.len();
        self.unknown(key, "provision.", &p.unknown, PROVISION_KEYS);
        let account = self.account(key, p);
        let contact = self.contact(key, p);
        let username = self.username(key, p, defaults);
        let settings = self.user_settings(key, p, defaults);
        let access = self.access(key, p);
        // A required field that did not compile ends the rule at its `?` (its problem is
        // already reported); the optional fields placed after it are then not compiled.
        let templates = ProvisionTemplates {
            account: account?,
            first_name: contact.first_name,
            last_name: contact.last_name?,
            email: contact.email?,
            extra: contact
                .extra
                .into_iter()
                .map(|(f, t)| Some((f, t?)))
                .collect::<Option<_>>()?,
            username: username?,
            alias: self.optional(key, "provision.alias", p.alias.as_ref()),
            nickname: self.optional(key, "provision.nickname", p.nickname.as_ref()),
            locale: settings.locale?,
            time_zone: settings.time_zone?,
            email_encoding: settings.email_encoding?,
            language: settings.language?,
            federation_id: self.optional(key, "provision.federation_id", p.federation_id.as_ref()),
            profile: access.profile?,
            role: access.role,
            permission_sets: access.permission_sets.into_iter().collect::<Option<_>>()?,
            welcome_email: access.welcome_email,
            purpose: self.optional(key, "provision.purpose", p.purpose.as_ref()),
            sponsor: self.optional(key, "provision.sponsor", p.sponsor.as_ref()),
            end_date: self.optional(key, "provision.end_date", p.end_date.as_ref()),
        };
        (self.problems.len() == before).then_some(templates)
    }

    /// `provision.contact`: a last name and an email are required.
    fn contact(&mut self, key: &RuleKey, p: &ProvisionRule) -> ContactTemplates {
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
        let extra = contact
            .extra
            .iter()
            .map(|(field, source)| {
                (
                    field.clone(),
                    self.template(key, &format!("provision.contact.extra.{field}"), source),
                )
            })
            .collect();
        ContactTemplates {
            first_name,
            last_name,
            email,
            extra,
        }
    }

    /// `provision.username`, or the default one: required, and built from the event.
    fn username(
        &mut self,
        key: &RuleKey,
        p: &ProvisionRule,
        defaults: &Defaults,
    ) -> Option<Template> {
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
        username
    }

    /// Locale, time zone, email encoding and language: the rule's own, else the defaults.
    fn user_settings(
        &mut self,
        key: &RuleKey,
        p: &ProvisionRule,
        defaults: &Defaults,
    ) -> UserSettings {
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
        UserSettings {
            locale,
            time_zone,
            email_encoding,
            language,
        }
    }

    /// The profile (required: it fixes the licence), role, welcome email and permission sets;
    /// a fixed role or welcome-email value is checked now.
    fn access(&mut self, key: &RuleKey, p: &ProvisionRule) -> AccessTemplates {
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
        let permission_sets = p
            .permission_sets
            .iter()
            .enumerate()
            .map(|(i, source)| {
                self.template(key, &format!("provision.permission_sets[{i}]"), source)
            })
            .collect();
        AccessTemplates {
            profile,
            role,
            welcome_email,
            permission_sets,
        }
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
