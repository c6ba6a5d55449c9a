//! Which Salesforce org Gatehouse provisions into, and how economically it spends its API calls.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::SecretRef;

mod api;
pub mod login;
pub mod preflight;

pub use api::{ApiReserve, ApiSettings};
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
        problems.extend(self.api().problems());
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
