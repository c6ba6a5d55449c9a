//! `scheme = "hmac"`: one configurable HMAC scheme for senders that sign a single MAC in a
//! header.
//!
//! ```toml
//! [sources.hr.verification]
//! scheme = "hmac"
//! preset = "greenhouse"                  # optional; fills the fields below
//! secrets = [{ secret = { env = "GREENHOUSE_SECRET" } }]
//! # algorithm = "sha256"                 # sha256 | sha512
//! # signature_header = "Signature"
//! # signature_prefix = "sha256 "         # stripped before decoding; "" for none
//! # encoding = "hex"                     # hex | base64
//! # signed_payload = "body"              # body | id.timestamp.body | body-then-timestamp | method-then-body
//! # id_header = "x-message-id"          # with id.timestamp.body
//! # timestamp_header = "x-timestamp"    # unix seconds, when the payload includes it
//! # tolerance_seconds = 300              # with a timestamp
//! ```

use serde::{Deserialize, Serialize};

use super::VerificationConfigError::{self, MissingSetting, UnusedSetting};
use super::presets::{self, KNOWN_PRESETS, Preset};
use super::secrets::{ResolvedSecret, SecretEntry, resolve_hmac_secrets};
use super::signing::{MacAlgorithm, SignatureEncoding, SignedPayload};
use super::{header_name, tolerance};

/// The replay window when a signed timestamp is configured and no tolerance is given.
pub const DEFAULT_TOLERANCE_SECONDS: u64 = 300;

/// Why the essentials are required when no preset supplies them.
const WITHOUT_PRESET: &str = "when no preset is given";

/// `scheme = "hmac"`. With a `preset`, only `secrets` is needed; without one, `algorithm`,
/// `signature_header` and `encoding` are.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct HmacConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    pub secrets: Vec<SecretEntry>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<MacAlgorithm>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_header: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature_prefix: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<SignatureEncoding>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_payload: Option<SignedPayload>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_header: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp_header: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tolerance_seconds: Option<u64>,
}

/// HMAC settings, checked, with the preset's conventions filled in where the config is silent.
#[derive(Debug)]
pub struct ResolvedHmac {
    /// The keys, as their text's bytes.
    pub secrets: Vec<ResolvedSecret>,
    pub algorithm: MacAlgorithm,
    /// Lower-cased.
    pub signature_header: String,
    /// Stripped (ASCII case ignored) before the signature is decoded; may be empty.
    pub signature_prefix: String,
    pub encoding: SignatureEncoding,
    pub signed_payload: SignedPayload,
    /// The header holding the message id, when the payload includes it; lower-cased.
    pub id_header: Option<String>,
    /// The signed timestamp, when the payload includes one.
    pub timestamp: Option<TimestampHeader>,
}

/// A signed timestamp's header and the replay window around it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampHeader {
    /// Lower-cased.
    pub header: String,
    pub tolerance_seconds: u64,
}

impl HmacConfig {
    /// Checks the table in the order a reader fills it in: the preset, the essentials, the
    /// headers the signed payload needs, then the secrets.
    pub(super) fn resolve(&self, prefix: &str) -> Result<ResolvedHmac, VerificationConfigError> {
        let key = |field: &str| format!("{prefix}.{field}");
        let preset = self.preset(&key)?;
        let algorithm = self
            .algorithm
            .or(preset.map(|p| p.algorithm))
            .ok_or_else(|| missing_without_preset(key("algorithm")))?;
        let signature_header = match (&self.signature_header, preset) {
            (Some(name), _) => header_name(key("signature_header"), name)?,
            (None, Some(p)) => p.signature_header.to_owned(),
            (None, None) => return Err(missing_without_preset(key("signature_header"))),
        };
        let encoding = self
            .encoding
            .or(preset.map(|p| p.encoding))
            .ok_or_else(|| missing_without_preset(key("encoding")))?;
        let signature_prefix = match (&self.signature_prefix, preset) {
            (Some(written), _) => written.clone(),
            (None, Some(p)) => p.signature_prefix.to_owned(),
            (None, None) => String::new(),
        };
        let signed_payload = self
            .signed_payload
            .or(preset.map(|p| p.signed_payload))
            .unwrap_or(SignedPayload::Body);
        let id_header = self.id_header(signed_payload, &key)?;
        let timestamp = self.timestamp(signed_payload, preset, &key)?;
        Ok(ResolvedHmac {
            secrets: resolve_hmac_secrets(&self.secrets, prefix)?,
            algorithm,
            signature_header,
            signature_prefix,
            encoding,
            signed_payload,
            id_header,
            timestamp,
        })
    }

    /// The preset named, if one is.
    fn preset(
        &self,
        key: &impl Fn(&str) -> String,
    ) -> Result<Option<&'static Preset>, VerificationConfigError> {
        let Some(name) = &self.preset else {
            return Ok(None);
        };
        presets::find(name)
            .map(Some)
            .ok_or_else(|| VerificationConfigError::UnknownPreset {
                key: key("preset"),
                name: name.clone(),
                known: KNOWN_PRESETS,
            })
    }

    /// The id header: required exactly when the signed payload includes the id.
    fn id_header(
        &self,
        signed_payload: SignedPayload,
        key: &impl Fn(&str) -> String,
    ) -> Result<Option<String>, VerificationConfigError> {
        match (&self.id_header, signed_payload.includes_id()) {
            (Some(name), true) => Ok(Some(header_name(key("id_header"), name)?)),
            (None, true) => Err(MissingSetting {
                key: key("id_header"),
                why: "because signed_payload includes the id",
            }),
            (Some(_), false) => Err(UnusedSetting {
                key: key("id_header"),
                why: "because signed_payload does not include an id",
            }),
            (None, false) => Ok(None),
        }
    }

    /// The timestamp header and its window: present exactly when the signed payload includes
    /// the timestamp.
    fn timestamp(
        &self,
        signed_payload: SignedPayload,
        preset: Option<&Preset>,
        key: &impl Fn(&str) -> String,
    ) -> Result<Option<TimestampHeader>, VerificationConfigError> {
        // A preset's timestamp header quietly drops out when the payload is overridden; one
        // written in the config is refused, since an unsigned timestamp proves nothing.
        let header = match (&self.timestamp_header, signed_payload.includes_timestamp()) {
            (Some(name), true) => Some(header_name(key("timestamp_header"), name)?),
            (None, true) => Some(
                preset
                    .and_then(|p| p.timestamp_header)
                    .map(str::to_owned)
                    .ok_or_else(|| MissingSetting {
                        key: key("timestamp_header"),
                        why: "because signed_payload includes the timestamp",
                    })?,
            ),
            (Some(_), false) => {
                return Err(UnusedSetting {
                    key: key("timestamp_header"),
                    why: "because signed_payload does not include the timestamp",
                });
            }
            (None, false) => None,
        };
        let Some(header) = header else {
            if self.tolerance_seconds.is_some() {
                return Err(UnusedSetting {
                    key: key("tolerance_seconds"),
                    why: "without a signed timestamp",
                });
            }
            return Ok(None);
        };
        let tolerance_seconds = tolerance(
            key("tolerance_seconds"),
            self.tolerance_seconds,
            DEFAULT_TOLERANCE_SECONDS,
        )?;
        Ok(Some(TimestampHeader {
            header,
            tolerance_seconds,
        }))
    }
}

impl HmacConfig {
    /// The bytes signed, as written or as the preset says (the body alone when neither does).
    fn signed_payload(&self) -> SignedPayload {
        let preset = self.preset.as_deref().and_then(presets::find);
        self.signed_payload
            .or(preset.map(|p| p.signed_payload))
            .unwrap_or(SignedPayload::Body)
    }

    /// The headers whose text the MAC covers, lower-cased; unchecked names are left out.
    pub(super) fn signed_headers(&self) -> Vec<String> {
        let payload = self.signed_payload();
        let preset = self.preset.as_deref().and_then(presets::find);
        let mut headers = Vec::new();
        if payload.includes_id()
            && let Some(name) = &self.id_header
        {
            headers.push(name.to_ascii_lowercase());
        }
        if payload.includes_timestamp() {
            let written = self.timestamp_header.as_deref();
            if let Some(name) = written.or(preset.and_then(|p| p.timestamp_header)) {
                headers.push(name.to_ascii_lowercase());
            }
        }
        headers
    }

    /// Whether the sender signs the time it sent the delivery (and so has a replay window of
    /// its own, `tolerance_seconds`).
    pub(super) fn signs_timestamp(&self) -> bool {
        self.signed_payload().includes_timestamp()
    }

    /// The preset's name, if one is set.
    pub(super) fn preset_name(&self) -> Option<&str> {
        self.preset.as_deref()
    }
}

fn missing_without_preset(key: String) -> VerificationConfigError {
    MissingSetting {
        key,
        why: WITHOUT_PRESET,
    }
}
