//! Standard Webhooks: the scheme to ask new senders for.
//!
//! The sender signs `{webhook-id}.{webhook-timestamp}.{raw body}` with HMAC-SHA256 under the
//! base64 key after `whsec_`, and sends a space-separated list of `v1,<base64>` signatures so
//! it can sign with old and new secrets during rotation. `v1a,` entries are ed25519 signatures
//! this service does not check; they and any other unknown versions are skipped.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};

use super::keys::KeyRing;
use super::rejection::Rejection;
use super::timestamp;
use super::webhook::{Proof, UnverifiedWebhook};
use crate::config::verification::{MacAlgorithm, ResolvedStandardWebhooks};

const ID_HEADER: &str = "webhook-id";
const TIMESTAMP_HEADER: &str = "webhook-timestamp";
const SIGNATURE_HEADER: &str = "webhook-signature";
const SIGNATURE_FORM: &str = "v1,<base64>";

/// How many entries of the signature header are read: enough for any rotation, too few for a
/// request to buy unbounded MAC work.
pub const MAX_SIGNATURES: usize = 10;

/// A v1 signature is 44 base64 characters; far longer is not a signature and is not decoded.
const MAX_ENCODED_SIGNATURE: usize = 256;

/// A ready Standard Webhooks verifier for one source.
#[derive(Debug)]
pub(super) struct StandardWebhooks {
    keys: KeyRing,
    tolerance_seconds: u64,
}

impl From<&ResolvedStandardWebhooks> for StandardWebhooks {
    fn from(settings: &ResolvedStandardWebhooks) -> Self {
        StandardWebhooks {
            keys: KeyRing::of_keys(&settings.secrets),
            tolerance_seconds: settings.tolerance_seconds,
        }
    }
}

impl StandardWebhooks {
    pub(super) fn verify(
        &self,
        req: &UnverifiedWebhook,
        now: DateTime<Utc>,
    ) -> Result<Proof, Rejection> {
        let id = req.required_text(ID_HEADER, "<message id>")?;
        if id.is_empty() {
            return Err(Rejection::malformed(ID_HEADER, "<message id>"));
        }
        let signed = timestamp::read(req, TIMESTAMP_HEADER)?;
        // Checked before any MAC work: a stale request costs no hashing.
        timestamp::check_fresh(signed.at, now, self.tolerance_seconds)?;
        let candidates = read_signatures(req.required_text(SIGNATURE_HEADER, SIGNATURE_FORM)?)?;

        let parts: [&[u8]; 5] = [
            id.as_bytes(),
            b".",
            signed.text.as_bytes(),
            b".",
            req.body(),
        ];
        let read = candidates.len();
        let matched = self.keys.find(
            now,
            |key| MacAlgorithm::Sha256.any_matches(key, &parts, &candidates),
            |tried| Rejection::NoSignatureMatched { read, tried },
        )?;
        Ok(Proof {
            scheme: "standard-webhooks",
            message_id: Some(id.to_owned()),
            signed_at: Some(signed.at),
            matched,
        })
    }
}

/// The decoded `v1` signatures of the header, at most [`MAX_SIGNATURES`] entries read.
fn read_signatures(header: &str) -> Result<Vec<Vec<u8>>, Rejection> {
    let malformed = || Rejection::malformed(SIGNATURE_HEADER, SIGNATURE_FORM);
    let mut candidates = Vec::new();
    let mut skipped = 0;
    for (seen, entry) in header.split_ascii_whitespace().enumerate() {
        if seen >= MAX_SIGNATURES {
            return Err(Rejection::TooManySignatures {
                limit: MAX_SIGNATURES,
            });
        }
        let (version, encoded) = entry.split_once(',').ok_or_else(malformed)?;
        if version.is_empty() || !version.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(malformed());
        }
        if version != "v1" {
            skipped += 1;
            continue;
        }
        if encoded.len() > MAX_ENCODED_SIGNATURE {
            return Err(malformed());
        }
        // An empty `v1,` decodes to no bytes and is kept: `verify_slice` refuses it for its
        // length, which is the behaviour the tests pin down.
        candidates.push(STANDARD.decode(encoded).map_err(|_| malformed())?);
    }
    if candidates.is_empty() {
        return Err(Rejection::EmptySignatureList {
            header: SIGNATURE_HEADER.to_owned(),
            skipped,
        });
    }
    Ok(candidates)
}

#[cfg(test)]
mod tests;
