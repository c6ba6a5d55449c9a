//! Which Salesforce org Gatehouse provisions into.

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::SecretRef;

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
    },
    /// A real org (production or sandbox), reached over HTTPS.
    Remote {
        /// `https://login.salesforce.com`, `https://test.salesforce.com`, or the org's My Domain.
        login_url: String,
        /// REST API version, e.g. `68.0`.
        #[serde(default = "default_api_version")]
        api_version: String,
        /// How Gatehouse authenticates.
        auth: SalesforceAuth,
    },
}

fn default_api_version() -> String {
    "68.0".to_owned()
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
    },
    /// OAuth 2.0 client credentials: the app runs as its configured integration user.
    ClientCredentials {
        client_id: String,
        client_secret: SecretRef,
    },
}
