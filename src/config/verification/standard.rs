//! `scheme = "standard-webhooks"`: the scheme to ask new senders for. The sender shows its
//! secret as `whsec_` followed by the base64 of the HMAC key.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::secrets::{ResolvedSecret, SecretEntry, resolve_secrets_with};
use super::{VerificationConfigError, tolerance};

/// The spec's default replay window, both ways.
pub const DEFAULT_TOLERANCE_SECONDS: u64 = 300;

/// `scheme = "standard-webhooks"`: secrets are `whsec_…` strings as the sender shows them.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct StandardWebhooksConfig {
    pub secrets: Vec<SecretEntry>,
    /// Replay window in seconds, both ways; 300 when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance_seconds: Option<u64>,
}

/// Standard Webhooks settings, checked: the HMAC keys decoded from `whsec_…`.
#[derive(Debug)]
pub struct ResolvedStandardWebhooks {
    pub secrets: Vec<ResolvedSecret>,
    /// Replay window in seconds, both ways.
    pub tolerance_seconds: u64,
}

impl StandardWebhooksConfig {
    pub(super) fn resolve(
        &self,
        prefix: &str,
    ) -> Result<ResolvedStandardWebhooks, VerificationConfigError> {
        let tolerance_seconds = tolerance(
            format!("{prefix}.tolerance_seconds"),
            self.tolerance_seconds,
            DEFAULT_TOLERANCE_SECONDS,
        )?;
        let secrets = resolve_secrets_with(&self.secrets, prefix, decode_secret)?;
        Ok(ResolvedStandardWebhooks {
            secrets,
            tolerance_seconds,
        })
    }
}

/// The HMAC key is the base64 after `whsec_`, not the string itself.
fn decode_secret(secret: &SecretString, key: &str) -> Result<Vec<u8>, VerificationConfigError> {
    let Some(encoded) = secret.expose_secret().strip_prefix("whsec_") else {
        return Err(VerificationConfigError::MissingWhsecPrefix {
            key: key.to_owned(),
        });
    };
    match STANDARD.decode(encoded) {
        Ok(bytes) if !bytes.is_empty() => super::secrets::long_enough(bytes, key),
        _ => Err(VerificationConfigError::SecretNotBase64 {
            key: key.to_owned(),
        }),
    }
}
