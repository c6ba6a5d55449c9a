//! Mapping rules: how an accepted event becomes commands for subjects.
//!
//! Each source has an ordered list of rules (`[[sources.NAME.rules]]`). A rule says when it
//! applies (a minijinja expression), optionally fans one delivery out into items, derives the
//! subject key from the source's own ids, and then provisions, deprovisions or ignores. Rules
//! compile when the config loads, so a rule that cannot work stops start-up with its key named;
//! at run time a rule that meets an event lacking a field it needs names the rule and the field.
//! The whole model is described in docs/mapping.md.
//!
//! Sources fed by native commands (`gatehouse.v1.Command` on a Kafka topic configured
//! `format = "native"`) have no rules: their events are decoded and checked by
//! [`crate::native`] and become the command they carry, or stay unmapped with the reason.
//!
//! Pure: no I/O; [`MappingRules::map`] never panics, whatever the body holds.

mod compile;
mod context;
mod decision;
mod evaluate;
mod field;
mod input;
mod language;
mod missing;
mod native;
mod provision;
mod rule;
mod values;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

pub use decision::{MappedCommand, MappingDecision};
pub use input::MappingInput;

use crate::config::{Problem, Settings};
use context::EventContext;
use evaluate::Evaluation;

/// Every source's rules, compiled. Cheap to clone and shareable across tasks.
#[derive(Clone)]
pub struct MappingRules {
    inner: Arc<compile::Compiled>,
}

/// The rules in the config cannot work; each problem names its key.
#[derive(Debug, Clone, thiserror::Error)]
pub struct RulesError {
    pub problems: Vec<Problem>,
}

impl fmt::Display for RulesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the mapping rules have {} problem(s):",
            self.problems.len()
        )?;
        for p in &self.problems {
            write!(f, "\n  - {}: {}", p.key, p.message)?;
        }
        Ok(())
    }
}

impl MappingRules {
    /// Compiles the rules of every source in `settings` and `[mapping]`.
    pub fn build(settings: &Settings) -> Result<MappingRules, RulesError> {
        let compiled = compile::compile(settings).map_err(|problems| RulesError { problems })?;
        Ok(MappingRules {
            inner: Arc::new(compiled),
        })
    }

    /// What is wrong with the rules of `settings`, for `Settings::load_checked`: the rules
    /// compile when the settings load, so a template that cannot work stops start-up and
    /// `check-config`, not an event.
    pub fn problems(settings: &Settings) -> Vec<crate::config::Problem> {
        match compile::compile(settings) {
            Ok(_) => Vec::new(),
            Err(problems) => problems,
        }
    }

    /// Decides what becomes of one event: commands, an ignore, or a reason it stays unmapped.
    /// An event of a native source is a command already: it is decoded and checked instead.
    pub fn map(&self, input: &MappingInput) -> MappingDecision {
        if self.inner.native.contains(&input.source) {
            let allow = self.inner.native_allow.get(&input.source);
            return native::decide(input, allow.map(|(topic, list)| (topic.as_str(), list)));
        }
        let Some(rules) = self.inner.sources.get(&input.source) else {
            return MappingDecision::Unmapped {
                reason: format!("no source named {} is configured", input.source),
            };
        };
        let body = match decode(input) {
            Ok(body) => body,
            Err(reason) => return MappingDecision::Unmapped { reason },
        };
        let ctx = EventContext::new(input, body);
        Evaluation {
            env: &self.inner.env,
            zone: &self.inner.zone,
            input,
            event_cap: self.inner.max_items_per_event,
        }
        .decide(rules, &ctx)
    }

    /// Whether the source's events are native commands rather than payloads for rules.
    pub fn is_native(&self, source: &str) -> bool {
        self.inner.native.contains(source)
    }

    /// How old an event of `source` may be when it arrives and still be acted on unasked
    /// (`[sources.NAME] replay_window`); `None` when its signature's timestamp bounds replays.
    pub fn replay_window(&self, source: &str) -> Option<std::time::Duration> {
        self.inner.replay_windows.get(source).copied()
    }

    /// The names of a source's rules, in the order they are tried.
    pub fn rule_names(&self, source: &str) -> Vec<&str> {
        self.inner
            .sources
            .get(source)
            .map(|rules| rules.iter().map(|r| r.name.as_str()).collect())
            .unwrap_or_default()
    }
}

impl fmt::Debug for MappingRules {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let counts: BTreeMap<&str, usize> = self
            .inner
            .sources
            .iter()
            .map(|(name, rules)| (name.as_str(), rules.len()))
            .collect();
        f.debug_struct("MappingRules")
            .field("time_zone", &self.inner.zone.name())
            .field("rules_per_source", &counts)
            .field("native_sources", &self.inner.native)
            .finish()
    }
}

/// The body as JSON, read straight into a template value; other formats cannot be mapped yet.
fn decode(input: &MappingInput) -> Result<minijinja::Value, String> {
    let media = input
        .content_type
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if media.ends_with("xml") {
        return Err(format!(
            "the body is XML ({media}); XML bodies cannot be mapped yet, only JSON"
        ));
    }
    serde_json::from_slice(&input.body).map_err(|e| format!("the body is not valid JSON: {e}"))
}

#[cfg(test)]
mod tests;
