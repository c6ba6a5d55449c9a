//! The secrets a source may sign with, as written and as resolved.
//!
//! Rotation means two or more secrets are valid at once: the sender switches when it switches,
//! and the old one stops counting at its `expires_at`. Each resolved secret keeps its position
//! and label so a verified delivery can say which one matched, for rotation metrics.

use chrono::{DateTime, Utc};
use secrecy::{ExposeSecret, SecretSlice, SecretString};
use serde::{Deserialize, Serialize};

use super::VerificationConfigError;
use crate::config::SecretRef;

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

/// One secret read from where the config says, as the bytes its scheme keys with.
#[derive(Debug)]
pub struct ResolvedSecret {
    /// Position in the source's `secrets` list, counting from 0.
    pub index: usize,
    /// The entry's `label`, if the config gave one.
    pub label: Option<String>,
    /// First instant at which this secret no longer verifies.
    pub expires_at: Option<DateTime<Utc>>,
    /// The secret's bytes as the scheme uses them (for Standard Webhooks, the key decoded
    /// from `whsec_…`; for the others, the secret's text).
    pub material: SecretSlice<u8>,
}

/// The shortest HMAC key a source may sign with, in bytes.
pub const MIN_HMAC_BYTES: usize = 16;

/// Refuses key material shorter than [`MIN_HMAC_BYTES`].
pub(super) fn long_enough(bytes: Vec<u8>, key: &str) -> Result<Vec<u8>, VerificationConfigError> {
    if bytes.len() < MIN_HMAC_BYTES {
        return Err(VerificationConfigError::SecretTooShort {
            key: key.to_owned(),
            bytes: bytes.len(),
        });
    }
    Ok(bytes)
}

/// Reads every entry, in config order, as its text's bytes, each at least [`MIN_HMAC_BYTES`]
/// long: the HMAC schemes' secrets.
pub fn resolve_hmac_secrets(
    entries: &[SecretEntry],
    key_prefix: &str,
) -> Result<Vec<ResolvedSecret>, VerificationConfigError> {
    resolve_secrets_with(entries, key_prefix, |secret, key| {
        long_enough(secret.expose_secret().as_bytes().to_vec(), key)
    })
}

/// Reads every entry, in config order, as its text's bytes. At least one entry is required.
pub fn resolve_secrets(
    entries: &[SecretEntry],
    key_prefix: &str,
) -> Result<Vec<ResolvedSecret>, VerificationConfigError> {
    resolve_secrets_with(entries, key_prefix, |secret, _| {
        Ok(secret.expose_secret().as_bytes().to_vec())
    })
}

/// Reads every entry and turns it into key material with `derive`, which receives the secret
/// and the config key naming it (for errors).
pub(super) fn resolve_secrets_with(
    entries: &[SecretEntry],
    key_prefix: &str,
    derive: impl Fn(&SecretString, &str) -> Result<Vec<u8>, VerificationConfigError>,
) -> Result<Vec<ResolvedSecret>, VerificationConfigError> {
    if entries.is_empty() {
        return Err(VerificationConfigError::NoSecrets {
            key: format!("{key_prefix}.secrets"),
        });
    }
    entries
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            let key = format!("{key_prefix}.secrets[{index}].secret");
            let secret = entry.secret.resolve(&key)?;
            Ok(ResolvedSecret {
                index,
                label: entry.label.clone(),
                expires_at: entry.expires_at,
                material: SecretSlice::from(derive(&secret, &key)?),
            })
        })
        .collect()
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
