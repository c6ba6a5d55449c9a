//! How a source's webhook verification is written in the config, and the checks run when it
//! loads.
//!
//! ```toml
//! [sources.partner-portal.verification]
//! scheme = "standard-webhooks"            # or "hmac", "basic", "okta"
//! secrets = [
//!   { secret = { env = "PP_SECRET" }, label = "2026-11" },
//!   { secret = { env = "PP_OLD" }, expires_at = "2026-12-01T00:00:00Z" },
//! ]
//! tolerance_seconds = 300                 # optional
//! ```
//!
//! [`VerificationConfig::resolve`] checks a table and resolves its secrets and preset into a
//! [`ResolvedVerification`]: every setting a verifier needs, already known to be sound. The
//! verifiers themselves (`ingress::http::verify`) are built from that. Every check names the
//! config key at fault and says how to fix it, so a bad config stops the service at start-up
//! rather than refusing every delivery later.

mod basic;
mod hmac;
mod okta;
mod presets;
mod secrets;
mod signing;
mod standard;

pub use basic::{BasicConfig, ResolvedBasic};
pub use hmac::{HmacConfig, ResolvedHmac, TimestampHeader};
pub use okta::{OktaConfig, ResolvedOkta};
pub use secrets::{ResolvedSecret, SecretEntry, resolve_secrets};
pub use signing::{MacAlgorithm, SignatureEncoding, SignedPayload};
pub use standard::{ResolvedStandardWebhooks, StandardWebhooksConfig};

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::SecretError;

/// How one source proves its deliveries; the `scheme` key picks the variant.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(tag = "scheme", rename_all = "kebab-case")]
pub enum VerificationConfig {
    /// Standard Webhooks: `webhook-id`, `webhook-timestamp`, `webhook-signature`.
    StandardWebhooks(StandardWebhooksConfig),
    /// One HMAC over a configurable part of the request, with presets for known senders.
    Hmac(HmacConfig),
    /// HTTP basic auth, as Workday outbound messages use.
    Basic(BasicConfig),
    /// A shared secret in a header, as Okta event hooks send.
    Okta(OktaConfig),
}

/// A source's verification with every setting checked, defaults and preset filled in and
/// secrets read: what a verifier is built from.
#[derive(Debug)]
pub enum ResolvedVerification {
    StandardWebhooks(ResolvedStandardWebhooks),
    Hmac(ResolvedHmac),
    Basic(ResolvedBasic),
    Okta(ResolvedOkta),
}

impl VerificationConfig {
    /// Checks the settings and resolves the secrets. `key_prefix` is where this table sits in
    /// the config (e.g. `sources.partner-portal.verification`); errors name keys below it.
    pub fn resolve(
        &self,
        key_prefix: &str,
    ) -> Result<ResolvedVerification, VerificationConfigError> {
        Ok(match self {
            VerificationConfig::StandardWebhooks(c) => {
                ResolvedVerification::StandardWebhooks(c.resolve(key_prefix)?)
            }
            VerificationConfig::Hmac(c) => ResolvedVerification::Hmac(c.resolve(key_prefix)?),
            VerificationConfig::Basic(c) => ResolvedVerification::Basic(c.resolve(key_prefix)?),
            VerificationConfig::Okta(c) => ResolvedVerification::Okta(c.resolve(key_prefix)?),
        })
    }
}

impl VerificationConfig {
    /// The scheme's name as written in `scheme = "…"`.
    pub fn scheme_name(&self) -> &'static str {
        match self {
            VerificationConfig::StandardWebhooks(_) => "standard-webhooks",
            VerificationConfig::Hmac(_) => "hmac",
            VerificationConfig::Basic(_) => "basic",
            VerificationConfig::Okta(_) => "okta",
        }
    }

    /// The request headers whose text the scheme's MAC covers, lower-cased. A value read from
    /// any other header can be changed by whoever resends a captured delivery. Basic auth and
    /// Okta's shared secret sign nothing: the credential itself travels with every request.
    pub fn signed_headers(&self) -> Vec<String> {
        match self {
            VerificationConfig::StandardWebhooks(_) => {
                vec!["webhook-id".to_owned(), "webhook-timestamp".to_owned()]
            }
            VerificationConfig::Hmac(c) => c.signed_headers(),
            VerificationConfig::Basic(_) | VerificationConfig::Okta(_) => Vec::new(),
        }
    }

    /// The replay window a source gets when it sets none: only HMAC senders that sign no
    /// timestamp have one (the Greenhouse, Gusto, HiBob and Deel presets among them); schemes
    /// with a signed timestamp refuse old deliveries by their `tolerance_seconds` already.
    pub fn default_replay_window(&self) -> Option<Duration> {
        match self {
            VerificationConfig::Hmac(c) if !c.signs_timestamp() => Some(match c.preset_name() {
                // Greenhouse retries for about 15 hours; its retries must still count as
                // duplicates, so its bodies' digests are remembered longer than that.
                Some("greenhouse") => Duration::from_secs(16 * 3600),
                _ => DEFAULT_REPLAY_WINDOW,
            }),
            _ => None,
        }
    }
}

/// The replay window of an HMAC sender without a signed timestamp, unless its preset or
/// `replay_window` says otherwise: a day, above the retry spans the HR systems document.
pub const DEFAULT_REPLAY_WINDOW: Duration = Duration::from_secs(24 * 3600);

/// A verification setting that cannot work, with the key to fix.
#[derive(Debug, thiserror::Error)]
pub enum VerificationConfigError {
    #[error(transparent)]
    Secret(#[from] SecretError),
    #[error(
        "{key}: no secrets configured; add at least one entry, e.g. {{ secret = {{ env = \"SOURCE_SECRET\" }} }}"
    )]
    NoSecrets { key: String },
    #[error(
        "{key}: a Standard Webhooks secret starts with `whsec_` followed by base64; \
         copy the whole secret the sender shows, prefix included"
    )]
    MissingWhsecPrefix { key: String },
    #[error(
        "{key}: the part after `whsec_` is not valid base64 (or is empty); \
         copy the secret again without spaces or line breaks"
    )]
    SecretNotBase64 { key: String },
    #[error(
        "{key}: the secret is {bytes} bytes; an HMAC secret needs at least 16 (ask the sender \
         for a longer one, or make one with openssl rand -hex 32)"
    )]
    SecretTooShort { key: String, bytes: usize },
    #[error("{key}: unknown preset '{name}'; known presets: {known}")]
    UnknownPreset {
        key: String,
        name: String,
        known: &'static str,
    },
    #[error("{key}: must be at least 1 second; leave it out for the default of {default} s")]
    ZeroTolerance { key: String, default: u64 },
    #[error("{key}: {value} s would accept replays for more than a day; use at most {max} s")]
    ToleranceTooWide { key: String, value: u64, max: u64 },
    #[error("{key}: required {why}")]
    MissingSetting { key: String, why: &'static str },
    #[error("{key}: not used {why}; remove it")]
    UnusedSetting { key: String, why: &'static str },
    #[error("{key}: '{name}' is not a valid HTTP header name")]
    BadHeaderName { key: String, name: String },
    #[error(
        "{key}: must be non-empty and must not contain ':' (basic auth splits on the first ':')"
    )]
    BadUsername { key: String },
}

/// The widest replay window a config may ask for.
const MAX_TOLERANCE_SECONDS: u64 = 86_400;

/// The tolerance to use: the configured one if sane, else `default`.
fn tolerance(
    key: String,
    configured: Option<u64>,
    default: u64,
) -> Result<u64, VerificationConfigError> {
    match configured {
        None => Ok(default),
        Some(0) => Err(VerificationConfigError::ZeroTolerance { key, default }),
        Some(value) if value > MAX_TOLERANCE_SECONDS => {
            Err(VerificationConfigError::ToleranceTooWide {
                key,
                value,
                max: MAX_TOLERANCE_SECONDS,
            })
        }
        Some(value) => Ok(value),
    }
}

/// A header name as configured, checked and lower-cased for lookups.
fn header_name(key: String, name: &str) -> Result<String, VerificationConfigError> {
    match actix_web::http::header::HeaderName::from_bytes(name.as_bytes()) {
        Ok(parsed) => Ok(parsed.as_str().to_owned()),
        Err(_) => Err(VerificationConfigError::BadHeaderName {
            key,
            name: name.to_owned(),
        }),
    }
}

#[cfg(test)]
mod tests;
