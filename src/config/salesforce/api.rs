//! `[salesforce.api]`: how Gatehouse spends the org's daily API allowance, how many calls it
//! has in flight at once, and how long it waits.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// `[salesforce.api]`: how Gatehouse spends the org's daily API allowance and how long it waits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ApiSettings {
    /// Calls of the org's daily allowance Gatehouse never spends, left to the other
    /// integrations sharing the org: a count (`5000`) or a share of the allowance (`"10%"`).
    pub reserve: ApiReserve,
    /// Seconds to wait for a TCP/TLS connection.
    pub connect_timeout_seconds: u64,
    /// Seconds to wait for a whole answer.
    pub request_timeout_seconds: u64,
    /// While the reserve is reached, how often to ask the org how much allowance is left,
    /// at first; the interval doubles up to `limits_poll_max_seconds`.
    pub limits_poll_seconds: u64,
    /// The longest interval between those questions.
    pub limits_poll_max_seconds: u64,
    /// Calls Gatehouse has in flight to the org at once, at most, counted over every replica
    /// sharing the store (each takes an equal share). Salesforce runs at most 25 long-running
    /// requests (20 s or more) at once per production org, 5 in Developer Edition and trial
    /// orgs, shared with every other integration.
    pub max_concurrent_calls: u32,
}

impl Default for ApiSettings {
    fn default() -> Self {
        ApiSettings {
            reserve: ApiReserve::Percent {
                basis_points: 1_000,
            },
            connect_timeout_seconds: 10,
            request_timeout_seconds: 60,
            limits_poll_seconds: 60,
            limits_poll_max_seconds: 900,
            max_concurrent_calls: 20,
        }
    }
}

impl ApiSettings {
    /// The connect timeout as a duration.
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_secs(self.connect_timeout_seconds)
    }

    /// The request timeout as a duration.
    pub fn request_timeout(&self) -> Duration {
        Duration::from_secs(self.request_timeout_seconds)
    }
}

/// Part of the daily API allowance kept back for others. In TOML: an integer (calls) or a
/// string ending in `%` (share of the allowance, up to two decimals).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ReserveForm", into = "ReserveForm")]
pub enum ApiReserve {
    /// A fixed number of calls.
    Calls(u64),
    /// A share of the allowance, in hundredths of a percent (`1000` is 10%), so the arithmetic
    /// stays exact.
    Percent { basis_points: u32 },
}

impl ApiReserve {
    /// Calls to keep back when the org allows `max` a day; shares round up, so the reserve is
    /// never smaller than asked.
    pub fn calls_of(self, max: u64) -> u64 {
        match self {
            ApiReserve::Calls(n) => n,
            ApiReserve::Percent { basis_points } => {
                let product = u128::from(max) * u128::from(basis_points);
                u64::try_from(product.div_ceil(10_000)).unwrap_or(u64::MAX)
            }
        }
    }

    /// Reads `"12.5%"` (a share) or `"5000"` (calls).
    pub fn parse(text: &str) -> Result<ApiReserve, String> {
        let text = text.trim();
        let Some(share) = text.strip_suffix('%') else {
            return text.parse::<u64>().map(ApiReserve::Calls).map_err(|_| {
                format!("'{text}' is neither a number of calls (5000) nor a share (\"10%\")")
            });
        };
        let (whole, fraction) = share.trim().split_once('.').unwrap_or((share.trim(), ""));
        let digits_only = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() || !digits_only(whole) || !digits_only(fraction) || fraction.len() > 2 {
            return Err(format!(
                "'{text}' is not a share; write it like \"10%\" or \"12.5%\" (up to two decimals)"
            ));
        }
        let whole: u32 = whole
            .parse()
            .map_err(|_| format!("'{text}' is out of range; a share is below 100%"))?;
        let fraction: u32 = format!("{fraction:0<2}").parse().unwrap_or(0);
        let basis_points = whole.saturating_mul(100).saturating_add(fraction);
        if basis_points >= 10_000 {
            return Err(format!(
                "'{text}' would keep the whole allowance back; a share is below 100%"
            ));
        }
        Ok(ApiReserve::Percent { basis_points })
    }
}

impl fmt::Display for ApiReserve {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ApiReserve::Calls(n) => write!(f, "{n} calls"),
            ApiReserve::Percent { basis_points } => {
                let (whole, fraction) = (basis_points / 100, basis_points % 100);
                if fraction == 0 {
                    write!(f, "{whole}%")
                } else {
                    write!(f, "{whole}.{fraction:02}%")
                }
            }
        }
    }
}

/// How a reserve is written in TOML and environment variables.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum ReserveForm {
    Calls(u64),
    Text(String),
}

impl TryFrom<ReserveForm> for ApiReserve {
    type Error = String;

    fn try_from(form: ReserveForm) -> Result<Self, Self::Error> {
        match form {
            ReserveForm::Calls(n) => Ok(ApiReserve::Calls(n)),
            ReserveForm::Text(text) => ApiReserve::parse(&text),
        }
    }
}

impl From<ApiReserve> for ReserveForm {
    fn from(reserve: ApiReserve) -> Self {
        match reserve {
            ApiReserve::Calls(n) => ReserveForm::Calls(n),
            share => ReserveForm::Text(share.to_string()),
        }
    }
}

impl ApiSettings {
    /// What is wrong with these settings, each with its key.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut problems = Vec::new();
        if !(1..=300).contains(&self.connect_timeout_seconds) {
            problems.push((
                "salesforce.api.connect_timeout_seconds",
                format!(
                    "{} is out of range; choose between 1 and 300",
                    self.connect_timeout_seconds
                ),
            ));
        }
        if !(1..=3600).contains(&self.request_timeout_seconds) {
            problems.push((
                "salesforce.api.request_timeout_seconds",
                format!(
                    "{} is out of range; choose between 1 and 3600",
                    self.request_timeout_seconds
                ),
            ));
        }
        if !(1..=86_400).contains(&self.limits_poll_seconds) {
            problems.push((
                "salesforce.api.limits_poll_seconds",
                format!(
                    "{} is out of range; choose between 1 and 86400",
                    self.limits_poll_seconds
                ),
            ));
        }
        if self.limits_poll_max_seconds < self.limits_poll_seconds
            || self.limits_poll_max_seconds > 86_400
        {
            problems.push((
                "salesforce.api.limits_poll_max_seconds",
                format!(
                    "{} is out of range; choose between limits_poll_seconds ({}) and 86400",
                    self.limits_poll_max_seconds, self.limits_poll_seconds
                ),
            ));
        }
        if !(1..=1000).contains(&self.max_concurrent_calls) {
            problems.push((
                "salesforce.api.max_concurrent_calls",
                format!(
                    "{} is out of range; choose between 1 and 1000 (Salesforce runs at most 25 \
                     long-running requests at once per production org)",
                    self.max_concurrent_calls
                ),
            ));
        }
        problems
    }
}
