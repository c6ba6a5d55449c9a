//! `[guard]`: the mass-deprovision guard's thresholds (docs/operations.md, "The
//! mass-deprovision guard").

use std::collections::{BTreeMap, BTreeSet};

use chrono::TimeDelta;
use serde::{Deserialize, Serialize};

use crate::domain::guard::{Limit, Policy};

/// `[guard]`: deprovisions that do not come from an operator are counted in a sliding window,
/// overall and per source; past a threshold they are held until an operator approves or
/// rejects them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GuardConfig {
    /// The guard judges every enqueue; `false` turns it off (a benchmark's bursts).
    pub enabled: bool,
    /// How far back the sliding window reaches.
    pub window_seconds: u64,
    /// A share trips only once more than this many deprovisions are in the window, so a small
    /// population does not trip on one departure.
    pub share_floor: u64,
    /// Every source together.
    pub overall: LimitConfig,
    /// Each source on its own, unless `[guard.sources.NAME]` names it.
    pub per_source: LimitConfig,
    /// Thresholds of one source, replacing `per_source` for it.
    pub sources: BTreeMap<String, LimitConfig>,
}

impl Default for GuardConfig {
    fn default() -> Self {
        GuardConfig {
            enabled: true,
            window_seconds: 600,
            share_floor: 10,
            overall: LimitConfig {
                count: Some(50),
                percent: Some(5.0),
            },
            per_source: LimitConfig::default(),
            sources: BTreeMap::new(),
        }
    }
}

/// One threshold: more than `count` deprovisions within the window, or more than `percent` of
/// the people managed (whose lifecycle record holds access). Either may be left out.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percent: Option<f64>,
}

impl LimitConfig {
    fn limit(self) -> Limit {
        Limit {
            count: self.count,
            percent: self.percent,
        }
    }
}

impl GuardConfig {
    /// The policy the store applies, or `None` when the guard is off.
    pub fn policy(&self) -> Option<Policy> {
        if !self.enabled {
            return None;
        }
        let window = TimeDelta::seconds(i64::try_from(self.window_seconds).unwrap_or(i64::MAX));
        Some(Policy {
            window,
            share_floor: self.share_floor,
            overall: self.overall.limit(),
            per_source: self.per_source.limit(),
            sources: self
                .sources
                .iter()
                .map(|(name, limit)| (name.clone(), limit.limit()))
                .collect(),
        })
    }

    /// What is wrong, as (key, message) pairs; `sources` are the configured sources' names.
    pub fn problems(&self, sources: &BTreeSet<&str>) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if !(60..=86_400).contains(&self.window_seconds) {
            problems.push((
                "guard.window_seconds".to_owned(),
                format!(
                    "{} is out of range; choose between 60 (1 min) and 86400 (1 day)",
                    self.window_seconds
                ),
            ));
        }
        let limits = [
            ("guard.overall", &self.overall),
            ("guard.per_source", &self.per_source),
        ];
        for (key, limit) in limits {
            limit_problems(key, limit, &mut problems);
        }
        for (name, limit) in &self.sources {
            let key = format!("guard.sources.{name}");
            if !sources.contains(name.as_str()) {
                let known: Vec<&str> = sources.iter().copied().collect();
                problems.push((
                    key.clone(),
                    format!(
                        "names no configured source; use one of the [sources] names ({})",
                        known.join(", ")
                    ),
                ));
            }
            limit_problems(&key, limit, &mut problems);
        }
        problems
    }
}

/// A count of at least 1 and a share above 0 and at most 100 per cent.
fn limit_problems(key: &str, limit: &LimitConfig, problems: &mut Vec<(String, String)>) {
    if limit.count == Some(0) {
        problems.push((
            format!("{key}.count"),
            "0 would hold every deprovision; choose at least 1, or leave it out for no count \
             limit"
                .to_owned(),
        ));
    }
    if let Some(percent) = limit.percent
        && !(percent > 0.0 && percent <= 100.0)
    {
        problems.push((
            format!("{key}.percent"),
            format!(
                "{percent} is not a share; choose more than 0 and at most 100 (per cent of the \
                 people managed), or leave it out"
            ),
        ));
    }
}

#[cfg(test)]
mod tests;
