//! `scheme = "basic"`: HTTP basic auth, for Workday outbound messages. Workday signs nothing,
//! but can send a username and password on a configured endpoint.
//!
//! ```toml
//! [sources.workday.verification]
//! scheme = "basic"
//! username = "workday-outbound"
//! secrets = [{ secret = { env = "WORKDAY_PASSWORD" } }]   # the password(s)
//! ```

use serde::{Deserialize, Serialize};

use super::VerificationConfigError;
use super::secrets::{ResolvedSecret, SecretEntry, resolve_secrets};

/// `scheme = "basic"`: one username, one or more passwords in `secrets` (for rotation).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct BasicConfig {
    pub username: String,
    pub secrets: Vec<SecretEntry>,
}

/// Basic-auth settings, checked: a username without a colon and the passwords.
#[derive(Debug)]
pub struct ResolvedBasic {
    pub username: String,
    /// The passwords, as their text's bytes.
    pub secrets: Vec<ResolvedSecret>,
}

impl BasicConfig {
    pub(super) fn resolve(&self, prefix: &str) -> Result<ResolvedBasic, VerificationConfigError> {
        // RFC 7617: the user-id cannot contain a colon; the password may.
        if self.username.is_empty() || self.username.contains(':') {
            return Err(VerificationConfigError::BadUsername {
                key: format!("{prefix}.username"),
            });
        }
        Ok(ResolvedBasic {
            username: self.username.clone(),
            secrets: resolve_secrets(&self.secrets, prefix)?,
        })
    }
}
