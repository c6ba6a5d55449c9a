//! Compiling the configured rules, reporting every problem with the key of the rule field.
//!
//! Keys read `sources.NAME.rules[i] ('rule name').field`, with `i` counted from 0 in the order
//! the rules are written.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use chrono_tz::Tz;
use minijinja::Environment;

mod bounds;
mod provision;

use super::language::{self, Expression, Template};
use super::rule::{Action, CompiledRule, DeprovisionTemplates};
use super::values;
use crate::config::rule::{DEFAULT_MAX_ITEMS, UnknownKeys};
use crate::config::{
    BodyFormat, DeprovisionRule, NativeAllowList, Problem, RuleConfig, Settings, TopicFormat,
    UserDefaults,
};

/// Everything the rules need at run time.
pub(crate) struct Compiled {
    pub env: Environment<'static>,
    pub zone: Tz,
    pub sources: BTreeMap<String, Vec<CompiledRule>>,
    /// Sources whose events are native commands (`[kafka.topics.NAME] format = "native"`):
    /// decoded and checked, never run through rules.
    pub native: BTreeSet<String>,
    /// Native sources' allow-lists, with the topic that sets each.
    pub native_allow: BTreeMap<String, (String, NativeAllowList)>,
    /// `[mapping] max_items_per_event`: the most items one event's lists may hold together.
    pub max_items_per_event: usize,
    /// Each source's replay window, for those that have one.
    pub replay_windows: BTreeMap<String, std::time::Duration>,
}

pub(crate) fn compile(settings: &Settings) -> Result<Compiled, Vec<Problem>> {
    let mut compiler = Compiler {
        env: language::environment(),
        problems: Vec::new(),
    };
    let zone = match settings.mapping.time_zone.parse::<Tz>() {
        Ok(zone) => zone,
        Err(_) => {
            compiler.problem(
                "mapping.time_zone",
                format!(
                    "'{}' is not an IANA time zone; use e.g. \"UTC\" or \"Europe/Berlin\"",
                    settings.mapping.time_zone
                ),
            );
            Tz::UTC
        }
    };
    let defaults = compiler.defaults(&settings.mapping.defaults);
    let event_cap = settings.mapping.max_items_per_event;
    compiler.event_cap(event_cap);
    let mut sources = BTreeMap::new();
    for (name, source) in &settings.sources {
        if !source.rules.is_empty() && source.format == BodyFormat::SoapXml {
            compiler.problem(
                format!("sources.{name}.rules"),
                "this source sends SOAP XML, which the rules cannot read yet; its events would all stay unmapped".to_owned(),
            );
        }
        let mut names = HashSet::new();
        let rules = source
            .rules
            .iter()
            .enumerate()
            .filter_map(|(index, rule)| {
                let compiled = compiler.rule(name, index, rule, &defaults, &mut names)?;
                compiler.max_items(name, index, rule, event_cap);
                Some(compiled)
            })
            .collect();
        sources.insert(name.clone(), rules);
    }
    let native = settings
        .kafka
        .iter()
        .flat_map(|kafka| kafka.topics.values())
        .filter(|topic| topic.format == TopicFormat::Native)
        .map(|topic| topic.source.clone())
        .collect();
    if compiler.problems.is_empty() {
        Ok(Compiled {
            native_allow: bounds::native_allow(settings),
            env: compiler.env,
            zone,
            sources,
            native,
            max_items_per_event: settings.mapping.max_items_per_event,
            replay_windows: settings
                .sources
                .iter()
                .filter_map(|(name, source)| Some((name.clone(), source.replay_window()?)))
                .collect(),
        })
    } else {
        Err(compiler.problems)
    }
}

/// `[mapping.defaults]`, compiled once and shared by every rule that sets none of its own.
struct Defaults {
    locale: Option<Template>,
    time_zone: Option<Template>,
    email_encoding: Option<Template>,
    language: Option<Template>,
    username: Option<Template>,
}

/// Where a rule sits in the config, for template names and problem keys.
struct RuleKey {
    /// `sources.NAME.rules[i]`: unique, names the templates.
    path: String,
    /// `sources.NAME.rules[i] ('name')`: what problems show.
    shown: String,
}

impl RuleKey {
    fn key(&self, field: &str) -> String {
        format!("{}.{field}", self.shown)
    }
}

struct Compiler {
    env: Environment<'static>,
    problems: Vec<Problem>,
}

const RULE_KEYS: &str = "name, when, for_each, max_items, item_id, subject, occurred_at, and one of provision, deprovision or ignore";
const PROVISION_KEYS: &str = "account, contact, username, alias, nickname, locale, time_zone, email_encoding, language, federation_id, profile, role, permission_sets, welcome_email, purpose, sponsor, end_date";

impl Compiler {
    fn problem(&mut self, key: impl Into<String>, message: String) {
        self.problems.push(Problem {
            key: key.into(),
            message,
        });
    }

    fn unknown(&mut self, key: &RuleKey, table: &str, unknown: &UnknownKeys, known: &str) {
        for name in unknown.keys() {
            self.problem(
                key.key(&format!("{table}{name}")),
                format!("unknown key; this table takes {known}"),
            );
        }
    }

    fn template(&mut self, key: &RuleKey, field: &str, source: &str) -> Option<Template> {
        let name = format!("{}.{field}", key.path);
        match Template::compile(&mut self.env, name, field.to_owned(), source) {
            Ok(t) => Some(t),
            Err(message) => {
                self.problem(key.key(field), message);
                None
            }
        }
    }

    fn optional(
        &mut self,
        key: &RuleKey,
        field: &str,
        source: Option<&String>,
    ) -> Option<Template> {
        source.and_then(|s| self.template(key, field, s))
    }

    fn required(
        &mut self,
        key: &RuleKey,
        field: &str,
        source: Option<&String>,
        hint: &str,
    ) -> Option<Template> {
        match source {
            Some(s) => self.template(key, field, s),
            None => {
                self.problem(key.key(field), format!("required: {hint}"));
                None
            }
        }
    }

    fn expression(
        &mut self,
        key: &RuleKey,
        field: &str,
        source: Option<&String>,
    ) -> Option<Expression> {
        let source = source?;
        match Expression::compile(&self.env, field.to_owned(), source) {
            Ok(e) => Some(e),
            Err(message) => {
                self.problem(key.key(field), message);
                None
            }
        }
    }

    /// Checks a template's value now when it is plain text.
    fn literal(
        &mut self,
        key: &RuleKey,
        template: &Option<Template>,
        check: impl Fn(&str) -> Result<(), String>,
    ) {
        if let Some(text) = template.as_ref().and_then(Template::literal)
            && let Err(message) = check(text)
        {
            self.problem(
                key.key(
                    &template
                        .as_ref()
                        .map(|t| t.label.clone())
                        .unwrap_or_default(),
                ),
                message,
            );
        }
    }

    fn defaults(&mut self, d: &UserDefaults) -> Defaults {
        let key = RuleKey {
            path: "mapping.defaults".to_owned(),
            shown: "mapping.defaults".to_owned(),
        };
        let mut one = |field: &str, source: Option<&String>| {
            let mut t = self.optional(&key, field, source)?;
            t.label = format!("mapping.defaults.{field}");
            Some(t)
        };
        let defaults = Defaults {
            locale: one("locale", Some(&d.locale)),
            time_zone: one("time_zone", Some(&d.time_zone)),
            email_encoding: one("email_encoding", Some(&d.email_encoding)),
            language: one("language", Some(&d.language)),
            username: one("username", d.username.as_ref()),
        };
        if let Some(text) = defaults.time_zone.as_ref().and_then(Template::literal)
            && let Err(message) = values::time_zone(text)
        {
            self.problem("mapping.defaults.time_zone", message);
        }
        defaults
    }

    fn rule(
        &mut self,
        source: &str,
        index: usize,
        rule: &RuleConfig,
        defaults: &Defaults,
        names: &mut HashSet<String>,
    ) -> Option<CompiledRule> {
        let before = self.problems.len();
        let path = format!("sources.{source}.rules[{index}]");
        let name = rule.name.trim();
        let key = RuleKey {
            shown: if name.is_empty() {
                path.clone()
            } else {
                format!("{path} ('{name}')")
            },
            path,
        };
        self.unknown(&key, "", &rule.unknown, RULE_KEYS);
        if name.is_empty() {
            self.problem(
                key.key("name"),
                "every rule needs a name; it is shown in outcomes and errors".to_owned(),
            );
        } else if !names.insert(name.to_owned()) {
            self.problem(
                key.key("name"),
                format!("another rule of source {source} is named '{name}'; names must be unique"),
            );
        }
        let when = self.expression(&key, "when", rule.when.as_ref());
        let for_each = self.expression(&key, "for_each", rule.for_each.as_ref());
        let item_id = self.optional(&key, "item_id", rule.item_id.as_ref());
        if rule.item_id.is_some() && rule.for_each.is_none() {
            self.problem(
                key.key("item_id"),
                "only a rule with for_each has items to key".to_owned(),
            );
        }
        let occurred_at = self.optional(&key, "occurred_at", rule.occurred_at.as_ref());

        let actions = [
            rule.provision.is_some(),
            rule.deprovision.is_some(),
            rule.ignore.is_some(),
        ];
        let count = actions.iter().filter(|a| **a).count();
        if count != 1 {
            self.problem(
                key.shown.clone(),
                format!("a rule does exactly one of provision = {{…}}, deprovision = {{…}} or ignore = \"reason\"; this one has {count}"),
            );
        }
        let subject = if rule.ignore.is_some() && count == 1 {
            self.optional(&key, "subject", rule.subject.as_ref())
        } else {
            let subject = self.required(&key, "subject", rule.subject.as_ref(), "a template of the source's id for the person, e.g. \"partner-portal:{{ data.user.id }}\"");
            if subject.as_ref().is_some_and(|t| t.literal().is_some()) {
                self.problem(key.key("subject"), "a fixed subject would make every event about one person; build it from the event's id for the person".to_owned());
            }
            subject
        };
        let action = if let Some(p) = &rule.provision {
            self.provision(&key, p, defaults)
                .map(|p| Action::Provision(Box::new(p)))
        } else if let Some(d) = &rule.deprovision {
            self.deprovision(&key, d).map(Action::Deprovision)
        } else if let Some(reason) = &rule.ignore {
            self.template(&key, "ignore", reason).map(Action::Ignore)
        } else {
            None
        };
        if self.problems.len() != before {
            return None;
        }
        Some(CompiledRule {
            name: name.to_owned(),
            when,
            for_each,
            max_items: rule.max_items.unwrap_or(DEFAULT_MAX_ITEMS),
            item_id,
            subject,
            occurred_at,
            action: action?,
        })
    }

    fn deprovision(&mut self, key: &RuleKey, d: &DeprovisionRule) -> Option<DeprovisionTemplates> {
        self.unknown(
            key,
            "deprovision.",
            &d.unknown,
            "mode, grace, trigger, effective",
        );
        let templated = d.mode.as_deref().is_some_and(|m| !language::is_literal(m));
        let mode = if templated {
            self.problem(
                key.key("deprovision.mode"),
                "the mode is written out, never a template: an event must not be able to choose disable".to_owned(),
            );
            None
        } else {
            match values::deprovision_mode(d.mode.as_deref(), d.grace.as_deref()) {
                Ok(mode) => Some(mode),
                Err((field, message)) => {
                    self.problem(key.key(&format!("deprovision.{field}")), message);
                    None
                }
            }
        };
        let trigger = self.optional(key, "deprovision.trigger", d.trigger.as_ref());
        let effective = self.optional(key, "deprovision.effective", d.effective.as_ref());
        Some(DeprovisionTemplates {
            mode: mode?,
            trigger,
            effective,
        })
    }
}
