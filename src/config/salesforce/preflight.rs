//! `[salesforce.preflight]`: what `serve` does with the org's preflight (`gatehouse doctor`'s
//! checks) when it starts.

use serde::{Deserialize, Serialize};

/// `[salesforce.preflight]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PreflightSettings {
    /// What `serve` does with the checks at start-up.
    pub at_start: PreflightAtStart,
}

/// `at_start`: a misconfigured org otherwise shows only at the first event, as dead letters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PreflightAtStart {
    /// Run the checks and log each; start whatever they find.
    #[default]
    Log,
    /// Run the checks, log each, and refuse to start when any fails.
    Refuse,
    /// Run no checks: no API calls at start-up.
    Skip,
}
