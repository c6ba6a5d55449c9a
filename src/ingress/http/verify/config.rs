//! How a source's verification is written in the config, and the checks run when it loads.
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
//! Every check names the config key at fault and says how to fix it, so a bad config stops the
//! service at start-up rather than refusing every delivery later.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::Verifier;
use super::basic::BasicConfig;
use super::hmac_scheme::HmacConfig;
use super::okta::OktaConfig;
use super::standard::StandardWebhooksConfig;
use crate::config::{SecretError, SecretRef};

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

impl VerificationConfig {
    /// Checks the settings, resolves the secrets and returns a verifier ready for deliveries.
    /// `key_prefix` is where this table sits in the config (e.g.
    /// `sources.partner-portal.verification`); errors name keys below it.
    pub fn build(&self, key_prefix: &str) -> Result<Verifier, VerificationConfigError> {
        let scheme = match self {
            VerificationConfig::StandardWebhooks(c) => c.build(key_prefix)?.into(),
            VerificationConfig::Hmac(c) => c.build(key_prefix)?.into(),
            VerificationConfig::Basic(c) => c.build(key_prefix)?.into(),
            VerificationConfig::Okta(c) => c.build(key_prefix)?.into(),
        };
        Ok(Verifier { scheme })
    }
}

/// One secret a source may sign with. Several at once allow rotation without downtime.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SecretEntry {
    /// Where the secret comes from: inline, `{ env = … }` or `{ file = … }`.
    pub secret: SecretRef,
    /// A name for the secret in metrics and logs (e.g. the month it was issued).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// From this instant on the secret no longer verifies. Written as an RFC 3339 string with
    /// an offset; a bare TOML date-time is accepted too.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "expiry::deserialize"
    )]
    pub expires_at: Option<DateTime<Utc>>,
}

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
pub(super) fn tolerance(
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
pub(super) fn header_name(key: String, name: &str) -> Result<String, VerificationConfigError> {
    match actix_web::http::header::HeaderName::from_bytes(name.as_bytes()) {
        Ok(parsed) => Ok(parsed.as_str().to_owned()),
        Err(_) => Err(VerificationConfigError::BadHeaderName {
            key,
            name: name.to_owned(),
        }),
    }
}

/// `expires_at` arrives as a string from TOML text or environment overrides, or as a native
/// TOML date-time when written unquoted; both mean the same instant.
mod expiry {
    use chrono::{DateTime, Utc};
    use serde::Deserializer;
    use serde::de::{self, MapAccess, Visitor};

    const EXPECTED: &str = "an RFC 3339 date-time with offset, e.g. \"2026-12-01T00:00:00Z\"";

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<DateTime<Utc>>, D::Error> {
        deserializer.deserialize_any(ExpiryVisitor).map(Some)
    }

    struct ExpiryVisitor;

    fn parse<E: de::Error>(text: &str) -> Result<DateTime<Utc>, E> {
        DateTime::parse_from_rfc3339(text)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| E::invalid_value(de::Unexpected::Str(text), &EXPECTED))
    }

    impl<'de> Visitor<'de> for ExpiryVisitor {
        type Value = DateTime<Utc>;

        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(EXPECTED)
        }

        fn visit_str<E: de::Error>(self, text: &str) -> Result<Self::Value, E> {
            parse(text)
        }

        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            use serde::Deserialize;
            let native =
                toml::value::Datetime::deserialize(de::value::MapAccessDeserializer::new(map))?;
            parse(&native.to_string())
        }
    }
}

#[cfg(test)]
mod tests;
