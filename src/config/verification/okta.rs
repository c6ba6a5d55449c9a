//! `scheme = "okta"`: Okta event hooks, which send a static shared secret in a header chosen
//! when the hook was set up.
//!
//! ```toml
//! [sources.okta.verification]
//! scheme = "okta"
//! header = "Authorization"                 # the default
//! secrets = [{ secret = { env = "OKTA_HOOK_SECRET" } }]   # the header's whole value
//! ```

use serde::{Deserialize, Serialize};

use super::secrets::{ResolvedSecret, SecretEntry, resolve_secrets};
use super::{VerificationConfigError, header_name};

const DEFAULT_HEADER: &str = "authorization";

/// `scheme = "okta"`: the secret is compared with the whole header value, byte for byte.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OktaConfig {
    /// The header Okta was told to send; `Authorization` when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    pub secrets: Vec<SecretEntry>,
}

/// Okta settings, checked: the header name, lower-cased, and its accepted values.
#[derive(Debug)]
pub struct ResolvedOkta {
    pub header: String,
    /// The header's accepted whole values, as their text's bytes.
    pub secrets: Vec<ResolvedSecret>,
}

impl OktaConfig {
    pub(super) fn resolve(&self, prefix: &str) -> Result<ResolvedOkta, VerificationConfigError> {
        let header = match &self.header {
            Some(name) => header_name(format!("{prefix}.header"), name)?,
            None => DEFAULT_HEADER.to_owned(),
        };
        Ok(ResolvedOkta {
            header,
            secrets: resolve_secrets(&self.secrets, prefix)?,
        })
    }
}
