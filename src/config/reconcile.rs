//! `[reconcile]`: comparing the org with the lifecycle records — how often, in what batch
//! size, and what to do about each kind of drift.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// `[reconcile]`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReconcileConfig {
    /// How often a replica runs a reconciliation on its own (`"24h"`, `"90m"`); absent means
    /// only when asked (`gatehouse reconcile`, `POST /v1/reconcile`). A scheduled run applies
    /// the policies; asked-for runs are dry unless told to apply.
    #[serde(default)]
    pub every: Option<String>,
    /// Records per query batch asked of Salesforce (200 to 2,000; a hint it may not follow).
    #[serde(default = "default_batch_size")]
    pub batch_size: u16,
    /// What to do about each kind of drift.
    #[serde(default)]
    pub policy: DriftPolicies,
}

impl Default for ReconcileConfig {
    fn default() -> Self {
        ReconcileConfig {
            every: None,
            batch_size: default_batch_size(),
            policy: DriftPolicies::default(),
        }
    }
}

fn default_batch_size() -> u16 {
    2000
}

/// `report`: listed in the run's report; `repair`: also a command enqueued to put it right.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    #[default]
    Report,
    Repair,
}

/// `[reconcile.policy]`: one policy per kind of drift. Everything is only reported unless
/// configured otherwise. External users without a lifecycle record are only ever reported
/// (an operator adopts them).
#[derive(Debug, Clone, Copy, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DriftPolicies {
    /// Active in the org, deactivated or frozen on the record: re-enabled by hand. Repair
    /// shows them out again as the record says.
    #[serde(default)]
    pub reenabled: Policy,
    /// Provisioned on the record; inactive, frozen, missing or disabled in the org. Repair
    /// provisions the last intent again.
    #[serde(default)]
    pub lost_access: Policy,
    /// Profile, Account or role other than the last intent. Repair provisions it again.
    #[serde(default)]
    pub changed: Policy,
}

impl ReconcileConfig {
    /// `every` as a duration, if set and readable.
    pub fn interval(&self) -> Result<Option<Duration>, String> {
        self.every.as_deref().map(parse_every).transpose()
    }

    /// Every problem with the section, each naming what to fix.
    pub fn problems(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if let Err(e) = self.interval() {
            problems.push(format!("reconcile.every: {e}"));
        }
        if !(200..=2000).contains(&self.batch_size) {
            problems.push(format!(
                "reconcile.batch_size: {} is outside 200 to 2000 (Salesforce's batch sizes)",
                self.batch_size
            ));
        }
        problems
    }
}

/// `"24h"`, `"90m"`, `"30s"`, `"1d"`: a whole number and a unit; at least a minute.
pub(super) fn parse_every(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number
        .parse()
        .map_err(|_| format!("'{text}' is not a duration such as \"24h\" or \"90m\""))?;
    let seconds = match unit {
        "s" => number,
        "m" => number.saturating_mul(60),
        "h" => number.saturating_mul(3600),
        "d" => number.saturating_mul(86_400),
        _ => return Err(format!("'{text}' needs a unit: s, m, h or d (\"24h\")")),
    };
    if seconds < 60 {
        return Err(format!("'{text}' is shorter than a minute"));
    }
    Ok(Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests;
