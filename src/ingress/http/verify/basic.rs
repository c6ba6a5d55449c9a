//! HTTP basic auth, for Workday outbound messages: Workday signs nothing, but can send a
//! username and password on a configured endpoint (`config::verification::BasicConfig`).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, Utc};

use super::keys::KeyRing;
use super::mac::credential_tag;
use super::rejection::Rejection;
use super::webhook::{Proof, UnverifiedWebhook};
use crate::config::verification::ResolvedBasic;

const AUTHORIZATION: &str = "authorization";
const BASIC_FORM: &str = "Basic <base64 of username:password>";

/// Far longer than any username and password worth configuring; not decoded.
const MAX_ENCODED_CREDENTIALS: usize = 1024;

/// A ready basic-auth verifier; it keeps only digests of `username:password`.
#[derive(Debug)]
pub(super) struct BasicAuth {
    keys: KeyRing,
}

impl From<&ResolvedBasic> for BasicAuth {
    fn from(settings: &ResolvedBasic) -> Self {
        let keys = KeyRing::derived(&settings.secrets, |password| {
            let mut pair = Vec::with_capacity(settings.username.len() + 1 + password.len());
            pair.extend_from_slice(settings.username.as_bytes());
            pair.push(b':');
            pair.extend_from_slice(password);
            credential_tag(&pair)
        });
        BasicAuth { keys }
    }
}

impl BasicAuth {
    pub(super) fn verify(
        &self,
        req: &UnverifiedWebhook,
        now: DateTime<Utc>,
    ) -> Result<Proof, Rejection> {
        let malformed = || Rejection::malformed(AUTHORIZATION, BASIC_FORM);
        let Some(raw) = req.header(AUTHORIZATION)? else {
            return Err(Rejection::BasicAuthRequired);
        };
        let text = std::str::from_utf8(raw).map_err(|_| malformed())?.trim();
        let (scheme, encoded) = text.split_once(' ').unwrap_or((text, ""));
        if !scheme.eq_ignore_ascii_case("basic") {
            // Some other kind of authorization (a bearer token, say): not what is configured.
            return Err(Rejection::BasicAuthRequired);
        }
        let encoded = encoded.trim();
        if encoded.is_empty() || encoded.len() > MAX_ENCODED_CREDENTIALS {
            return Err(malformed());
        }
        let pair = STANDARD.decode(encoded).map_err(|_| malformed())?;
        if !pair.contains(&b':') {
            return Err(malformed());
        }
        let matched = self.keys.find_credential(now, &pair)?;
        Ok(Proof {
            scheme: "basic",
            message_id: None,
            signed_at: None,
            matched,
        })
    }
}

#[cfg(test)]
mod tests;
