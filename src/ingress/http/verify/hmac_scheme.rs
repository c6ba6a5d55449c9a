//! One configurable HMAC scheme for senders that sign a single MAC in a header.
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

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

use super::config::{SecretEntry, VerificationConfigError, header_name, tolerance};
use super::keys::KeyRing;
use super::mac::MacAlgorithm;
use super::presets::{self, KNOWN_PRESETS};
use super::rejection::Rejection;
use super::timestamp;
use super::webhook::{Proof, UnverifiedWebhook};

/// How the signature is written after its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SignatureEncoding {
    /// Either case is accepted.
    Hex,
    /// Standard alphabet, with padding.
    Base64,
}

/// Which bytes the sender feeds to the HMAC, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum SignedPayload {
    /// The raw body alone.
    #[serde(rename = "body")]
    Body,
    /// `{id}.{timestamp}.{body}`, as Standard Webhooks does.
    #[serde(rename = "id.timestamp.body")]
    IdTimestampBody,
    /// The body immediately followed by the timestamp header's text (BambooHR).
    #[serde(rename = "body-then-timestamp")]
    BodyThenTimestamp,
    /// The HTTP method (e.g. `POST`) immediately followed by the body (Deel).
    #[serde(rename = "method-then-body")]
    MethodThenBody,
}

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

/// The replay window when a signed timestamp is configured and no tolerance is given.
pub const DEFAULT_TOLERANCE_SECONDS: u64 = 300;

/// Hex of SHA-512 is 128 characters; far longer is not a signature and is not decoded.
const MAX_ENCODED_SIGNATURE: usize = 256;

/// A ready HMAC verifier for one source.
#[derive(Debug)]
pub(super) struct HmacScheme {
    keys: KeyRing,
    algorithm: MacAlgorithm,
    signature_header: String,
    signature_prefix: String,
    /// How the header should look, for rejections (e.g. `sha256=<hex>`).
    signature_form: String,
    encoding: SignatureEncoding,
    signed_payload: SignedPayload,
    id_header: Option<String>,
    /// Header name and replay window.
    timestamp: Option<(String, u64)>,
}

impl HmacConfig {
    pub(super) fn build(&self, prefix: &str) -> Result<HmacScheme, VerificationConfigError> {
        use VerificationConfigError::{MissingSetting, UnusedSetting};
        let key = |field: &str| format!("{prefix}.{field}");
        let preset =
            match &self.preset {
                None => None,
                Some(name) => Some(presets::find(name).ok_or_else(|| {
                    VerificationConfigError::UnknownPreset {
                        key: key("preset"),
                        name: name.clone(),
                        known: KNOWN_PRESETS,
                    }
                })?),
            };
        const WITHOUT_PRESET: &str = "when no preset is given";
        let algorithm = self
            .algorithm
            .or(preset.map(|p| p.algorithm))
            .ok_or_else(|| MissingSetting {
                key: key("algorithm"),
                why: WITHOUT_PRESET,
            })?;
        let signature_header = match (&self.signature_header, preset) {
            (Some(name), _) => header_name(key("signature_header"), name)?,
            (None, Some(p)) => p.signature_header.to_owned(),
            (None, None) => {
                return Err(MissingSetting {
                    key: key("signature_header"),
                    why: WITHOUT_PRESET,
                });
            }
        };
        let encoding = self
            .encoding
            .or(preset.map(|p| p.encoding))
            .ok_or_else(|| MissingSetting {
                key: key("encoding"),
                why: WITHOUT_PRESET,
            })?;
        let signature_prefix = match (&self.signature_prefix, preset) {
            (Some(written), _) => written.clone(),
            (None, Some(p)) => p.signature_prefix.to_owned(),
            (None, None) => String::new(),
        };
        let signed_payload = self
            .signed_payload
            .or(preset.map(|p| p.signed_payload))
            .unwrap_or(SignedPayload::Body);

        let wants_id = signed_payload == SignedPayload::IdTimestampBody;
        let wants_timestamp = matches!(
            signed_payload,
            SignedPayload::IdTimestampBody | SignedPayload::BodyThenTimestamp
        );
        let id_header = match (&self.id_header, wants_id) {
            (Some(name), true) => Some(header_name(key("id_header"), name)?),
            (None, true) => {
                return Err(MissingSetting {
                    key: key("id_header"),
                    why: "because signed_payload includes the id",
                });
            }
            (Some(_), false) => {
                return Err(UnusedSetting {
                    key: key("id_header"),
                    why: "because signed_payload does not include an id",
                });
            }
            (None, false) => None,
        };
        // A preset's timestamp header quietly drops out when the payload is overridden; one
        // written in the config is refused, since an unsigned timestamp proves nothing.
        let timestamp_header = match (&self.timestamp_header, wants_timestamp) {
            (Some(name), true) => Some(header_name(key("timestamp_header"), name)?),
            (None, true) => preset
                .and_then(|p| p.timestamp_header)
                .map(str::to_owned)
                .map(Some)
                .ok_or_else(|| MissingSetting {
                    key: key("timestamp_header"),
                    why: "because signed_payload includes the timestamp",
                })?,
            (Some(_), false) => {
                return Err(UnusedSetting {
                    key: key("timestamp_header"),
                    why: "because signed_payload does not include the timestamp",
                });
            }
            (None, false) => None,
        };
        if timestamp_header.is_none() && self.tolerance_seconds.is_some() {
            return Err(UnusedSetting {
                key: key("tolerance_seconds"),
                why: "without a signed timestamp",
            });
        }
        let timestamp = match timestamp_header {
            Some(name) => {
                let window = tolerance(
                    key("tolerance_seconds"),
                    self.tolerance_seconds,
                    DEFAULT_TOLERANCE_SECONDS,
                )?;
                Some((name, window))
            }
            None => None,
        };
        let keys = KeyRing::resolve(&self.secrets, prefix, |secret, _| {
            Ok(secret.expose_secret().as_bytes().to_vec())
        })?;
        let signature_form = match encoding {
            SignatureEncoding::Hex => format!("{signature_prefix}<hex>"),
            SignatureEncoding::Base64 => format!("{signature_prefix}<base64>"),
        };
        Ok(HmacScheme {
            keys,
            algorithm,
            signature_header,
            signature_prefix,
            signature_form,
            encoding,
            signed_payload,
            id_header,
            timestamp,
        })
    }
}

impl HmacScheme {
    pub(super) fn verify(
        &self,
        req: &UnverifiedWebhook,
        now: DateTime<Utc>,
    ) -> Result<Proof, Rejection> {
        let signed = match &self.timestamp {
            Some((name, window)) => {
                let signed = timestamp::read(req, name)?;
                timestamp::check_fresh(signed.at, now, *window)?;
                Some(signed)
            }
            None => None,
        };
        let id = match &self.id_header {
            Some(name) => {
                let id = req.required_text(name, "<message id>")?;
                if id.is_empty() {
                    return Err(Rejection::malformed(name, "<message id>"));
                }
                Some(id)
            }
            None => None,
        };
        let candidates = [self.read_signature(req)?];

        let timestamp_text = signed.as_ref().map_or("", |s| s.text).as_bytes();
        let body = req.body();
        let parts: Vec<&[u8]> = match self.signed_payload {
            SignedPayload::Body => vec![body],
            SignedPayload::IdTimestampBody => vec![
                id.unwrap_or_default().as_bytes(),
                b".",
                timestamp_text,
                b".",
                body,
            ],
            SignedPayload::BodyThenTimestamp => vec![body, timestamp_text],
            SignedPayload::MethodThenBody => vec![req.method().as_str().as_bytes(), body],
        };
        let matched = self.keys.find(
            now,
            |key| self.algorithm.any_matches(key, &parts, &candidates),
            |tried| Rejection::NoSignatureMatched { read: 1, tried },
        )?;
        Ok(Proof {
            scheme: "hmac",
            message_id: id.map(str::to_owned),
            signed_at: signed.map(|s| s.at),
            matched,
        })
    }

    /// The one signature in the header, prefix stripped (ASCII case ignored) and decoded.
    fn read_signature(&self, req: &UnverifiedWebhook) -> Result<Vec<u8>, Rejection> {
        let header = &self.signature_header;
        let malformed = || Rejection::malformed(header, self.signature_form.as_str());
        let text = req.required_text(header, &self.signature_form)?.trim();
        let prefix_len = self.signature_prefix.len();
        let encoded = match text.get(..prefix_len) {
            Some(found) if found.eq_ignore_ascii_case(&self.signature_prefix) => {
                text.get(prefix_len..).unwrap_or_default().trim()
            }
            _ => return Err(malformed()),
        };
        if encoded.is_empty() {
            return Err(Rejection::EmptySignatureList {
                header: header.clone(),
                skipped: 0,
            });
        }
        if encoded.len() > MAX_ENCODED_SIGNATURE {
            return Err(malformed());
        }
        match self.encoding {
            SignatureEncoding::Hex => hex::decode(encoded).map_err(|_| malformed()),
            SignatureEncoding::Base64 => STANDARD.decode(encoded).map_err(|_| malformed()),
        }
    }
}

#[cfg(test)]
mod tests;
