//! Which Salesforce org Gatehouse provisions into, and how economically it spends its API calls.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::SecretRef;

pub mod login;
pub mod preflight;

pub use login::{LoginHost, default_jwt_audience};
pub use preflight::{PreflightAtStart, PreflightSettings};

/// `[salesforce]`: the org. There is deliberately no default: a config that names no org is an
/// error, never a silent fallback to the simulated one.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, tag = "org", rename_all = "kebab-case")]
pub enum SalesforceConfig {
    /// The simulated org built into Gatehouse (sfsim), started in-process: for trying Gatehouse
    /// out and for demos. Never use it for real people.
    Simulated {
        /// A fixture describing the org; the built-in default org when unset.
        #[serde(default)]
        fixture: Option<PathBuf>,
        /// External-id field on Contact that holds the subject key.
        #[serde(default = "default_key_field")]
        contact_key_field: String,
        /// External-id field on Account that holds the Account's routing key.
        #[serde(default = "default_key_field")]
        account_key_field: String,
        /// The Experience Cloud site (`Network.Name`) new users must be members of; the
        /// read-back checks membership of this site only, and the welcome email's
        /// prerequisites are read from it. Unset: membership of any site is accepted.
        #[serde(default)]
        site: Option<String>,
        /// `[salesforce.api]`: reserve and timeouts.
        #[serde(default)]
        api: ApiSettings,
        /// `[salesforce.preflight]`: the org's checks at start-up.
        #[serde(default)]
        preflight: PreflightSettings,
    },
    /// A real org (production or sandbox), reached over HTTPS.
    Remote {
        /// `https://login.salesforce.com`, `https://test.salesforce.com`, or the org's My Domain
        /// (required for the client credentials flow).
        login_url: String,
        /// REST API version, e.g. `68.0`.
        #[serde(default = "default_api_version")]
        api_version: String,
        /// How Gatehouse authenticates.
        auth: SalesforceAuth,
        /// External-id field on Contact that holds the subject key.
        #[serde(default = "default_key_field")]
        contact_key_field: String,
        /// External-id field on Account that holds the Account's routing key.
        #[serde(default = "default_key_field")]
        account_key_field: String,
        /// The Experience Cloud site (`Network.Name`) new users must be members of; the
        /// read-back checks membership of this site only, and the welcome email's
        /// prerequisites are read from it. Unset: membership of any site is accepted.
        #[serde(default)]
        site: Option<String>,
        /// `[salesforce.api]`: reserve and timeouts.
        #[serde(default)]
        api: ApiSettings,
        /// `[salesforce.preflight]`: the org's checks at start-up.
        #[serde(default)]
        preflight: PreflightSettings,
    },
}

/// The REST API version Gatehouse speaks unless told otherwise (Winter '27).
pub const DEFAULT_API_VERSION: &str = "68.0";

/// The external-id field name an admin creates unless they configure another.
pub const DEFAULT_KEY_FIELD: &str = "Gatehouse_Key__c";

fn default_api_version() -> String {
    DEFAULT_API_VERSION.to_owned()
}

fn default_key_field() -> String {
    DEFAULT_KEY_FIELD.to_owned()
}

impl SalesforceConfig {
    /// The Contact field that carries subject keys, so Salesforce itself answers "do we know
    /// this person?" through an upsert or a GET by external id.
    pub fn contact_key_field(&self) -> &str {
        match self {
            SalesforceConfig::Simulated {
                contact_key_field, ..
            }
            | SalesforceConfig::Remote {
                contact_key_field, ..
            } => contact_key_field,
        }
    }

    /// The Account field that carries the external organisation's key.
    pub fn account_key_field(&self) -> &str {
        match self {
            SalesforceConfig::Simulated {
                account_key_field, ..
            }
            | SalesforceConfig::Remote {
                account_key_field, ..
            } => account_key_field,
        }
    }

    /// The site new users are checked against (`[salesforce] site`), if named.
    pub fn site(&self) -> Option<&str> {
        match self {
            SalesforceConfig::Simulated { site, .. } | SalesforceConfig::Remote { site, .. } => {
                site.as_deref()
            }
        }
    }

    /// The REST API version spoken: the configured one, or the default for the simulated org.
    pub fn api_version(&self) -> &str {
        match self {
            SalesforceConfig::Simulated { .. } => DEFAULT_API_VERSION,
            SalesforceConfig::Remote { api_version, .. } => api_version,
        }
    }

    /// What `serve` does with the preflight checks at start-up.
    pub fn preflight(&self) -> &PreflightSettings {
        match self {
            SalesforceConfig::Simulated { preflight, .. }
            | SalesforceConfig::Remote { preflight, .. } => preflight,
        }
    }

    /// Budget and timeouts, the same whichever org it is.
    pub fn api(&self) -> &ApiSettings {
        match self {
            SalesforceConfig::Simulated { api, .. } | SalesforceConfig::Remote { api, .. } => api,
        }
    }

    /// Problems with the keys every org shares, as (key, what to fix). The caller adds the
    /// org-specific checks (login URL, secrets, fixture).
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut problems = Vec::new();
        for (key, name) in [
            ("salesforce.contact_key_field", self.contact_key_field()),
            ("salesforce.account_key_field", self.account_key_field()),
        ] {
            if !is_custom_field_name(name) {
                problems.push((
                    key,
                    format!("'{name}' is not a custom field's API name; use the form Gatehouse_Key__c (letters, digits and single underscores, ending in __c)"),
                ));
            }
        }
        if let SalesforceConfig::Remote {
            login_url, auth, ..
        } = self
        {
            problems.extend(login::auth_problems(login_url, auth));
        }
        let api = self.api();
        if !(1..=300).contains(&api.connect_timeout_seconds) {
            problems.push((
                "salesforce.api.connect_timeout_seconds",
                format!(
                    "{} is out of range; choose between 1 and 300",
                    api.connect_timeout_seconds
                ),
            ));
        }
        if !(1..=3600).contains(&api.request_timeout_seconds) {
            problems.push((
                "salesforce.api.request_timeout_seconds",
                format!(
                    "{} is out of range; choose between 1 and 3600",
                    api.request_timeout_seconds
                ),
            ));
        }
        if !(1..=86_400).contains(&api.limits_poll_seconds) {
            problems.push((
                "salesforce.api.limits_poll_seconds",
                format!(
                    "{} is out of range; choose between 1 and 86400",
                    api.limits_poll_seconds
                ),
            ));
        }
        if api.limits_poll_max_seconds < api.limits_poll_seconds
            || api.limits_poll_max_seconds > 86_400
        {
            problems.push((
                "salesforce.api.limits_poll_max_seconds",
                format!(
                    "{} is out of range; choose between limits_poll_seconds ({}) and 86400",
                    api.limits_poll_max_seconds, api.limits_poll_seconds
                ),
            ));
        }
        if !(1..=1000).contains(&api.max_concurrent_calls) {
            problems.push((
                "salesforce.api.max_concurrent_calls",
                format!(
                    "{} is out of range; choose between 1 and 1000 (Salesforce runs at most 25 \
                     long-running requests at once per production org)",
                    api.max_concurrent_calls
                ),
            ));
        }
        problems
    }
}

/// A custom field's API name: starts with a letter, letters/digits/single underscores, ends in
/// `__c` (a namespace prefix `ns__Name__c` is allowed). Checked because the name goes into
/// URL paths and SOQL, where it cannot be quoted.
pub fn is_custom_field_name(name: &str) -> bool {
    let Some(stem) = name.strip_suffix("__c") else {
        return false;
    };
    let mut parts = stem.split("__");
    let valid_part = |part: &str| {
        part.starts_with(|c: char| c.is_ascii_alphabetic())
            && !part.ends_with('_')
            && !part.contains("__")
            && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
    };
    let (Some(first), second, None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    valid_part(first) && second.is_none_or(valid_part) && name.len() <= 80
}

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

/// Server-to-server authentication against a real org.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, tag = "flow", rename_all = "kebab-case")]
pub enum SalesforceAuth {
    /// OAuth 2.0 JWT bearer: a certificate registered with the connected app signs an assertion
    /// for the integration user.
    JwtBearer {
        client_id: String,
        username: String,
        private_key: SecretRef,
        /// The assertion's `aud`. Unset, it is derived from `login_url`:
        /// `https://test.salesforce.com` for a sandbox (`test.salesforce.com` or
        /// `*.sandbox.my.salesforce.com`), else `https://login.salesforce.com`. Salesforce
        /// never accepts a My Domain URL here; set it only for an Experience Cloud site URL.
        #[serde(default)]
        audience: Option<String>,
    },
    /// OAuth 2.0 client credentials: the app runs as its configured integration user.
    ClientCredentials {
        client_id: String,
        client_secret: SecretRef,
    },
}

#[cfg(test)]
mod tests;
