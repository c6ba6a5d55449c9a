//! One configurable HMAC scheme for senders that sign a single MAC in a header
//! (`config::verification::HmacConfig`, with presets for known senders).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};

use super::keys::KeyRing;
use super::rejection::Rejection;
use super::timestamp;
use super::webhook::{Proof, UnverifiedWebhook};
use crate::config::verification::{
    MacAlgorithm, ResolvedHmac, SignatureEncoding, SignedPayload, TimestampHeader,
};

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
    timestamp: Option<TimestampHeader>,
}

impl From<&ResolvedHmac> for HmacScheme {
    fn from(settings: &ResolvedHmac) -> Self {
        let prefix = &settings.signature_prefix;
        let signature_form = match settings.encoding {
            SignatureEncoding::Hex => format!("{prefix}<hex>"),
            SignatureEncoding::Base64 => format!("{prefix}<base64>"),
        };
        HmacScheme {
            keys: KeyRing::of_keys(&settings.secrets),
            algorithm: settings.algorithm,
            signature_header: settings.signature_header.clone(),
            signature_prefix: prefix.clone(),
            signature_form,
            encoding: settings.encoding,
            signed_payload: settings.signed_payload,
            id_header: settings.id_header.clone(),
            timestamp: settings.timestamp.clone(),
        }
    }
}

impl HmacScheme {
    pub(super) fn verify(
        &self,
        req: &UnverifiedWebhook,
        now: DateTime<Utc>,
    ) -> Result<Proof, Rejection> {
        let signed = match &self.timestamp {
            Some(signed) => {
                let read = timestamp::read(req, &signed.header)?;
                timestamp::check_fresh(read.at, now, signed.tolerance_seconds)?;
                Some(read)
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
