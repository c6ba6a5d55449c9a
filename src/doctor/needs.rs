//! What the config relies on in the org: the profiles and permission sets its rules name, and
//! whether a rule counts on the site's own welcome email.

use std::collections::BTreeSet;

use crate::config::Settings;

/// A name a rule gives: written out, or made from the event (a template), which no check
/// before the event can resolve.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Named {
    Written(String),
    FromEvent(String),
}

impl Named {
    fn of(text: &str) -> Named {
        if text.contains("{{") {
            Named::FromEvent(text.to_owned())
        } else {
            Named::Written(text.trim().to_owned())
        }
    }

    /// The name, when it is written out in the rule.
    pub(super) fn written(&self) -> Option<&str> {
        match self {
            Named::Written(name) => Some(name),
            Named::FromEvent(_) => None,
        }
    }
}

/// One provision rule's needs.
#[derive(Debug, Clone)]
pub(super) struct RuleNeeds {
    /// `source: rule name`, as an admin finds it in the config.
    pub rule: String,
    pub profile: Option<Named>,
    pub permission_sets: Vec<Named>,
    /// `welcome_email = "site-setting"`: the site must send it.
    pub site_welcome: bool,
}

/// Every provision rule's needs, in config order.
#[derive(Debug, Clone, Default)]
pub(super) struct Needs {
    pub rules: Vec<RuleNeeds>,
}

impl Needs {
    /// The needs of every provision rule of every source.
    pub(super) fn of(settings: &Settings) -> Needs {
        let mut rules = Vec::new();
        for (source, config) in &settings.sources {
            for rule in &config.rules {
                let Some(provision) = &rule.provision else {
                    continue;
                };
                rules.push(RuleNeeds {
                    rule: format!("{source}: {}", rule.name),
                    profile: provision.profile.as_deref().map(Named::of),
                    permission_sets: provision
                        .permission_sets
                        .iter()
                        .map(|p| Named::of(p))
                        .collect(),
                    site_welcome: provision
                        .welcome_email
                        .as_deref()
                        .is_some_and(|w| w.trim().eq_ignore_ascii_case("site-setting")),
                });
            }
        }
        Needs { rules }
    }

    /// Profile names written out in rules, each once.
    pub(super) fn profiles(&self) -> BTreeSet<&str> {
        self.rules
            .iter()
            .filter_map(|r| r.profile.as_ref()?.written())
            .collect()
    }

    /// Permission set names written out in rules, each once.
    pub(super) fn permission_sets(&self) -> BTreeSet<&str> {
        self.rules
            .iter()
            .flat_map(|r| r.permission_sets.iter().filter_map(Named::written))
            .collect()
    }

    /// Names rules make from events, with their rule: checked only when an event comes.
    pub(super) fn made_from_events(&self) -> Vec<(&str, &str)> {
        let mut found = Vec::new();
        for rule in &self.rules {
            let names = rule.profile.iter().chain(&rule.permission_sets);
            for name in names {
                if let Named::FromEvent(template) = name {
                    found.push((rule.rule.as_str(), template.as_str()));
                }
            }
        }
        found
    }

    /// Rules that count on the site sending its welcome email.
    pub(super) fn site_welcome_rules(&self) -> Vec<&str> {
        self.rules
            .iter()
            .filter(|r| r.site_welcome)
            .map(|r| r.rule.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests;
