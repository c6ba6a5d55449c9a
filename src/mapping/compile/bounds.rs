//! The bounds the config puts on what one event may do: `for_each` lists (`max_items`, the
//! event's own cap) and native topics' allow-lists.

use std::collections::BTreeMap;

use super::Compiler;
use crate::config::mapping::DEFAULT_MAX_ITEMS_PER_EVENT;
use crate::config::rule::DEFAULT_MAX_ITEMS;
use crate::config::{NativeAllowList, RuleConfig, Settings, TopicFormat};

/// Each native source's allow-list, with the topic that sets it.
pub(super) fn native_allow(settings: &Settings) -> BTreeMap<String, (String, NativeAllowList)> {
    settings
        .kafka
        .iter()
        .flat_map(|kafka| kafka.topics.iter())
        .filter(|(_, topic)| topic.format == TopicFormat::Native)
        .filter_map(|(name, topic)| {
            let allow = topic.allow.clone()?;
            Some((topic.source.clone(), (name.clone(), allow)))
        })
        .collect()
}

impl Compiler {
    /// `[mapping] max_items_per_event`: at least 1.
    pub(super) fn event_cap(&mut self, cap: usize) {
        if cap == 0 {
            self.problem(
                "mapping.max_items_per_event",
                format!("must be at least 1; leave it out for the default of {DEFAULT_MAX_ITEMS_PER_EVENT}"),
            );
        }
    }

    /// `max_items`: with `for_each` only, at least 1, and within the event's own cap.
    pub(super) fn max_items(
        &mut self,
        source: &str,
        index: usize,
        rule: &RuleConfig,
        event_cap: usize,
    ) {
        let Some(max) = rule.max_items else {
            return;
        };
        let key = format!(
            "sources.{source}.rules[{index}] ('{}').max_items",
            rule.name.trim()
        );
        if rule.for_each.is_none() {
            self.problem(
                key,
                "only a rule with for_each has items to count".to_owned(),
            );
        } else if max == 0 {
            self.problem(
                key,
                format!("must be at least 1; leave it out for the default of {DEFAULT_MAX_ITEMS}"),
            );
        } else if max > event_cap {
            self.problem(
                key,
                format!("{max} is more than [mapping] max_items_per_event ({event_cap}), which caps every event; raise that too"),
            );
        }
    }
}
