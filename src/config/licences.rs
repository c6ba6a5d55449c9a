//! `[licences]`: licence hygiene — when a managed person's licence is reclaimed, how, and who
//! is exempt.

use serde::{Deserialize, Serialize};

/// What a reclaim does to an inactive person.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReclaimAction {
    /// `IsActive = false`: frees the licence (reversible: a later provision reactivates).
    #[default]
    Deactivate,
    /// `UserLogin.IsFrozen = true`: locks the person out and keeps the licence.
    Freeze,
}

/// `[licences]`: people Gatehouse manages whose last login (or, never logged in, their user's
/// creation) is older than `reclaim_after_days` are shown out by `action`, through the queue,
/// as commands with actor `reclaim`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LicencesConfig {
    /// Days without a login after which a licence is reclaimed; also the report's "inactive"
    /// threshold.
    pub reclaim_after_days: u32,
    /// `deactivate` (frees the licence) or `freeze` (keeps it).
    pub action: ReclaimAction,
    /// Profiles (by name) whose users are never reclaimed.
    pub exempt_profiles: Vec<String>,
    /// Permission sets (by name) whose holders are never reclaimed.
    pub exempt_permission_sets: Vec<String>,
    /// Subject-key prefixes (`partner-portal:vip-`) never reclaimed.
    pub exempt_subject_prefixes: Vec<String>,
}

impl Default for LicencesConfig {
    fn default() -> Self {
        LicencesConfig {
            reclaim_after_days: 90,
            action: ReclaimAction::Deactivate,
            exempt_profiles: Vec::new(),
            exempt_permission_sets: Vec::new(),
            exempt_subject_prefixes: Vec::new(),
        }
    }
}

impl LicencesConfig {
    /// What is wrong, by key.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut problems = Vec::new();
        if !(1..=3650).contains(&self.reclaim_after_days) {
            problems.push((
                "licences.reclaim_after_days",
                format!(
                    "{} is out of range; choose between 1 and 3650 days",
                    self.reclaim_after_days
                ),
            ));
        }
        let blank = |names: &[String]| names.iter().any(|n| n.trim().is_empty());
        for (key, names) in [
            ("licences.exempt_profiles", &self.exempt_profiles),
            (
                "licences.exempt_permission_sets",
                &self.exempt_permission_sets,
            ),
            (
                "licences.exempt_subject_prefixes",
                &self.exempt_subject_prefixes,
            ),
        ] {
            if blank(names) {
                problems.push((key, "holds an empty name; remove it".to_owned()));
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests;
