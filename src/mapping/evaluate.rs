//! Applying one source's rules to one event.
//!
//! Rules are tried in the order they are written; the first that matches wins:
//! - A rule without `for_each` matches the event as a whole. When it matches, it alone decides,
//!   and no later rule is tried.
//! - A rule with `for_each` matches items: its `when` is asked once per item (with `item` bound);
//!   a `when` that does not read `item` is asked once, of the event, before the list is read.
//!   Each item goes to the first rule that matches it; rules with the same `for_each` expression
//!   share the items, so a later rule sees only the items no earlier one took. Once any item has
//!   been taken, the event counts as handled and later whole-event rules are skipped.
//! - A condition that reads a field the event lacks does not match (the reason is kept for the
//!   unmapped report); a template of a matching rule that reads a missing field fails the whole
//!   event, naming the rule and the field, so nothing is half-applied.

use std::collections::{HashMap, HashSet};
use std::ops::ControlFlow;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use minijinja::value::ValueKind;
use minijinja::{Environment, Value};

use super::context::EventContext;
use super::decision::{MappedCommand, MappingDecision};
use super::field::{FieldError, FieldProblem};
use super::input::MappingInput;
use super::language::{Expression, Template};
use super::provision;
use super::rule::{Action, CompiledRule, DeprovisionTemplates, ProvisionTemplates};
use crate::domain::time::{parse_instant_in, parse_until};
use crate::domain::{Deprovision, Intent, SubjectKey};

/// The change a matching provision or deprovision rule asks for.
enum Change<'a> {
    Provision(&'a ProvisionTemplates),
    Deprovision(&'a DeprovisionTemplates),
}

/// What one rule made of the event or of one item.
enum Output {
    Command(Box<MappedCommand>),
    Ignore { rule: String, reason: String },
}

pub(crate) struct Evaluation<'a> {
    pub env: &'a Environment<'static>,
    pub zone: &'a Tz,
    pub input: &'a MappingInput,
    /// `[mapping] max_items_per_event`.
    pub event_cap: usize,
}

/// How far the rules have got with one event.
#[derive(Default)]
struct Progress<'r> {
    /// Each rule that did not match, and why, for the unmapped report.
    tried: Vec<String>,
    outputs: Vec<Output>,
    /// Per `for_each` expression, the items an earlier rule already took.
    taken: HashMap<&'r str, HashSet<usize>>,
    /// Items in the distinct lists read so far, against the event's cap.
    items_read: usize,
}

impl Evaluation<'_> {
    /// Tries the rules in order (see the module's comment) and settles on commands, an ignore,
    /// or the reason nothing matched.
    pub fn decide(&self, rules: &[CompiledRule], ctx: &EventContext) -> MappingDecision {
        if rules.is_empty() {
            return MappingDecision::Unmapped {
                reason: format!("source {} has no mapping rules", self.input.source),
            };
        }
        let mut progress = Progress::default();
        for rule in rules {
            let step = match &rule.for_each {
                // Once any item was taken, the event counts as handled.
                None if !progress.outputs.is_empty() => continue,
                None => self.whole_event(rule, ctx, &mut progress),
                Some(for_each) => self
                    .fan_out(rule, for_each, ctx, &mut progress)
                    .map(ControlFlow::Continue),
            };
            match step {
                Ok(ControlFlow::Continue(())) => {}
                Ok(ControlFlow::Break(())) => break,
                Err(reason) => return unmapped(reason),
            }
        }
        settle(progress.outputs, progress.tried)
    }

    /// A rule without `for_each`: when it matches, it alone decides (`Break`). `Err` is the
    /// reason the event stays unmapped: the rule matched but a template of it failed.
    fn whole_event(
        &self,
        rule: &CompiledRule,
        ctx: &EventContext,
        progress: &mut Progress,
    ) -> Result<ControlFlow<()>, String> {
        let name = &rule.name;
        match self.matches(rule, ctx) {
            Ok(true) => {
                let output = self
                    .output(rule, ctx, None)
                    .map_err(|e| format!("rule '{name}': {e}"))?;
                progress.outputs.push(output);
                return Ok(ControlFlow::Break(()));
            }
            Ok(false) => progress
                .tried
                .push(format!("'{name}' (condition is false)")),
            Err(e) => progress.tried.push(format!("'{name}' ({e})")),
        }
        Ok(ControlFlow::Continue(()))
    }

    /// A rule with `for_each`: takes each item it matches that no earlier rule with the same
    /// list took. `Err` is the reason the event stays unmapped: a taken item's template failed.
    fn fan_out<'r>(
        &self,
        rule: &CompiledRule,
        for_each: &'r Expression,
        ctx: &EventContext,
        progress: &mut Progress<'r>,
    ) -> Result<(), String> {
        let name = &rule.name;
        // A condition about the event alone is asked before the list is read, so an event
        // of another kind is told apart by its condition, not by its missing list.
        let event_level = rule.when.as_ref().is_some_and(|w| !w.reads_item);
        if event_level {
            match self.matches(rule, ctx) {
                Ok(true) => {}
                Ok(false) => {
                    progress
                        .tried
                        .push(format!("'{name}' (condition is false)"));
                    return Ok(());
                }
                Err(e) => {
                    progress.tried.push(format!("'{name}' ({e})"));
                    return Ok(());
                }
            }
        }
        let items = match self.items(for_each, ctx) {
            Ok(items) if items.is_empty() => {
                progress.tried.push(format!(
                    "'{name}' ({} has no items)",
                    for_each.source.trim()
                ));
                return Ok(());
            }
            Ok(items) => items,
            Err(e) => {
                progress.tried.push(format!("'{name}' ({e})"));
                return Ok(());
            }
        };
        let list = for_each.source.trim();
        self.bound(rule, list, items.len(), progress)?;
        let taken = progress.taken.entry(list).or_default();
        let mut matched = false;
        let mut first_miss = None;
        for (index, item) in items.into_iter().enumerate() {
            if taken.contains(&index) {
                continue;
            }
            let item_ctx = ctx.with("item", item);
            let matched_item = if event_level {
                Ok(true)
            } else {
                self.matches(rule, &item_ctx)
            };
            match matched_item {
                Ok(true) => {
                    taken.insert(index);
                    matched = true;
                    let output = self.output(rule, &item_ctx, Some(index)).map_err(|e| {
                        format!(
                            "rule '{name}', item {index} of {}: {e}",
                            for_each.source.trim()
                        )
                    })?;
                    progress.outputs.push(output);
                }
                Ok(false) => {}
                Err(e) => {
                    first_miss.get_or_insert(format!("item {index}: {e}"));
                }
            }
        }
        if !matched {
            let why = first_miss.unwrap_or_else(|| "condition is false for every item".into());
            progress.tried.push(format!("'{name}' ({why})"));
        }
        Ok(())
    }

    /// Refuses a list longer than the rule's `max_items`, or one that takes the event's lists
    /// past `[mapping] max_items_per_event` (a list shared by several rules counts once).
    fn bound(
        &self,
        rule: &CompiledRule,
        list: &str,
        count: usize,
        progress: &mut Progress,
    ) -> Result<(), String> {
        if count > rule.max_items {
            return Err(format!(
                "rule '{}': {list} has {count} items, more than its max_items ({}); raise max_items on the rule if lists this long are expected",
                rule.name, rule.max_items
            ));
        }
        if !progress.taken.contains_key(list) {
            progress.items_read += count;
            if progress.items_read > self.event_cap {
                return Err(format!(
                    "the event's lists hold {} items together, more than [mapping] max_items_per_event ({})",
                    progress.items_read, self.event_cap
                ));
            }
        }
        Ok(())
    }

    fn matches(&self, rule: &CompiledRule, ctx: &EventContext) -> Result<bool, FieldError> {
        match &rule.when {
            None => Ok(true),
            Some(when) => Ok(when.eval(self.env, &ctx.value())?.is_true()),
        }
    }

    fn items(&self, for_each: &Expression, ctx: &EventContext) -> Result<Vec<Value>, FieldError> {
        let list = for_each.eval(self.env, &ctx.value())?;
        if list.kind() != ValueKind::Seq {
            return Err(FieldError {
                field: for_each.label.clone(),
                problem: FieldProblem::Invalid(format!(
                    "{} is a {}, not a list",
                    for_each.source.trim(),
                    list.kind()
                )),
            });
        }
        Ok(list.try_iter().map(Iterator::collect).unwrap_or_default())
    }

    fn output(
        &self,
        rule: &CompiledRule,
        ctx: &EventContext,
        index: Option<usize>,
    ) -> Result<Output, FieldError> {
        let value = ctx.value();
        let env = self.env;
        let change = match &rule.action {
            Action::Ignore(reason) => {
                return Ok(Output::Ignore {
                    rule: rule.name.clone(),
                    reason: reason.required(env, &value)?,
                });
            }
            Action::Provision(t) => Change::Provision(t),
            Action::Deprovision(t) => Change::Deprovision(t),
        };
        let Some(subject_template) = rule.subject.as_ref() else {
            return Err(FieldError {
                field: "subject".to_owned(),
                problem: FieldProblem::Empty,
            });
        };
        let subject_text = subject_template.required(env, &value)?;
        // The text is not echoed: a refused key may well be an email address.
        let subject = SubjectKey::parse(&subject_text).map_err(|e| {
            subject_template.error(FieldProblem::Invalid(format!(
                "the rendered key is refused: {e}"
            )))
        })?;
        let source_time = match &rule.occurred_at {
            Some(t) => {
                let text = t.required(env, &value)?;
                Some(parse_instant_in(&text, self.zone).ok_or_else(|| {
                    t.error(FieldProblem::Invalid(format!(
                        "'{text}' is not a timestamp"
                    )))
                })?)
            }
            None => self.input.source_time,
        };
        let item_key = match (index, &rule.item_id) {
            (None, _) => None,
            (Some(_), Some(t)) => Some(t.required(env, &value)?),
            (Some(i), None) => Some(format!("{}#{i}", self.input.dedupe_key)),
        };
        let (intent, effective_at) = match change {
            Change::Provision(t) => {
                let provision = provision::render(t, env, self.zone, ctx, &subject)?;
                // Whatever the event's values say, none may steer a Composite subrequest.
                crate::domain::validate::composite_references(&provision).map_err(|v| {
                    FieldError {
                        field: format!("provision.{}", v.field),
                        problem: FieldProblem::Invalid(v.message),
                    }
                })?;
                (Intent::Provision(Box::new(provision)), None)
            }
            Change::Deprovision(t) => self.deprovision(rule, t, &value)?,
        };
        Ok(Output::Command(Box::new(MappedCommand {
            rule: rule.name.clone(),
            item_key,
            subject,
            intent,
            source_time: source_time.unwrap_or(self.input.received_at),
            timed_by_source: source_time.is_some(),
            effective_at,
        })))
    }

    /// The deprovision a matching rule asks for, and when it takes effect (now when unset).
    fn deprovision(
        &self,
        rule: &CompiledRule,
        t: &DeprovisionTemplates,
        value: &Value,
    ) -> Result<(Intent, Option<DateTime<Utc>>), FieldError> {
        let env = self.env;
        let trigger = match &t.trigger {
            Some(trigger) => trigger.required(env, value)?,
            None => rule.name.clone(),
        };
        let effective_at = match &t.effective {
            Some(e) => e
                .optional(env, value)?
                .map(|text| self.until(e, &text))
                .transpose()?,
            None => None,
        };
        Ok((
            Intent::Deprovision(Deprovision {
                mode: t.mode,
                trigger,
            }),
            effective_at,
        ))
    }

    fn until(&self, template: &Template, text: &str) -> Result<DateTime<Utc>, FieldError> {
        parse_until(text, self.zone).ok_or_else(|| {
            template.error(FieldProblem::Invalid(format!(
                "'{text}' is neither a timestamp nor a date (YYYY-MM-DD)"
            )))
        })
    }
}

fn unmapped(reason: String) -> MappingDecision {
    MappingDecision::Unmapped { reason }
}

/// Commands when any rule made one; otherwise the first ignore; otherwise what was tried.
fn settle(outputs: Vec<Output>, tried: Vec<String>) -> MappingDecision {
    let mut commands = Vec::new();
    let mut first_ignore = None;
    for output in outputs {
        match output {
            Output::Command(c) => commands.push(*c),
            Output::Ignore { rule, reason } => {
                first_ignore.get_or_insert((rule, reason));
            }
        }
    }
    if !commands.is_empty() {
        return MappingDecision::Commands(commands);
    }
    match first_ignore {
        Some((rule, reason)) => MappingDecision::Ignored { rule, reason },
        None => unmapped(format!("no rule matched: {}", tried.join("; "))),
    }
}
