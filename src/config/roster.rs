//! `[sources.NAME.roster]`: how a source's roster (its full list of current people) is read and
//! what it may do to the people it no longer lists.

use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::domain::DeprovisionMode;
use crate::domain::time::parse_grace;

/// A source's roster settings. A roster is uploaded (`PUT /v1/sources/NAME/roster`) or, with
/// `file`, read from a file every `every`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RosterConfig {
    /// A roster file (`.csv`, else JSON) read on a schedule; none means uploads only.
    pub file: Option<PathBuf>,
    /// How often the file is read, e.g. `1h`.
    pub every: String,
    /// How long a person with access may be missing from the roster before they are
    /// deprovisioned, e.g. `3d`; `0s` deprovisions at once.
    pub grace: String,
    /// The largest share (0 to 1) of the source's people with access a roster may remove; a
    /// roster that would remove more is refused and changes nothing.
    pub max_removal_share: f64,
    /// How the people it removes are shown out: `deactivate` (frees the licence) or `freeze`.
    pub mode: String,
}

impl Default for RosterConfig {
    fn default() -> Self {
        RosterConfig {
            file: None,
            every: "1h".to_owned(),
            grace: "3d".to_owned(),
            max_removal_share: 0.1,
            mode: "deactivate".to_owned(),
        }
    }
}

impl RosterConfig {
    /// The grace period; zero for `0s` (or any zero), and for what does not read.
    pub fn grace(&self) -> Duration {
        read_period(&self.grace).unwrap_or(Duration::ZERO)
    }

    /// How often the file is read; an hour for what does not read.
    pub fn every(&self) -> Duration {
        read_period(&self.every)
            .filter(|every| !every.is_zero())
            .unwrap_or(Duration::from_secs(3_600))
    }

    /// The deprovision mode; `deactivate` for what does not read.
    pub fn mode(&self) -> DeprovisionMode {
        match self.mode.as_str() {
            "freeze" => DeprovisionMode::Freeze,
            _ => DeprovisionMode::Deactivate,
        }
    }

    /// What is wrong, each with its key under `key` (`sources.NAME.roster`).
    pub fn problems(&self, key: &str) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if read_period(&self.grace).is_none() {
            problems.push((
                format!("{key}.grace"),
                format!(
                    "'{}' is not a period; write it as 3d, 12h, 90m or 0s",
                    self.grace
                ),
            ));
        }
        if read_period(&self.every).is_none_or(|every| every.is_zero()) {
            problems.push((
                format!("{key}.every"),
                format!(
                    "'{}' is not a period longer than zero; write it as 1h, 30m or 1d",
                    self.every
                ),
            ));
        }
        let share = self.max_removal_share;
        if !(share > 0.0 && share <= 1.0) {
            problems.push((
                format!("{key}.max_removal_share"),
                format!("{share} is not a share between 0 (excluded) and 1, e.g. 0.1 for 10 %"),
            ));
        }
        if !matches!(self.mode.as_str(), "deactivate" | "freeze") {
            problems.push((
                format!("{key}.mode"),
                format!(
                    "'{}' is not a roster's mode; use deactivate or freeze",
                    self.mode
                ),
            ));
        }
        problems
    }
}

/// A period as `parse_grace` reads it, or zero written as `0`, `0s`, `0m`, `0h` or `0d`.
fn read_period(text: &str) -> Option<Duration> {
    let text = text.trim();
    if matches!(text, "0" | "0s" | "0m" | "0h" | "0d") {
        return Some(Duration::ZERO);
    }
    parse_grace(text)
}

#[cfg(test)]
mod tests;
