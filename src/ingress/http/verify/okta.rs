//! Okta event hooks: a one-time verification `GET` when the hook is registered, then every
//! event `POST` carries a static shared secret in a header chosen when the hook was set up
//! (`config::verification::OktaConfig`).

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::keys::KeyRing;
use super::mac::credential_tag;
use super::rejection::Rejection;
use super::webhook::{Proof, UnverifiedWebhook};
use crate::config::verification::ResolvedOkta;

const CHALLENGE_HEADER: &str = "x-okta-verification-challenge";

/// Okta's challenges are short random strings; anything longer is not echoed.
const MAX_CHALLENGE_LEN: usize = 1024;

/// A ready Okta event-hook verifier; it keeps only digests of the header values.
#[derive(Debug)]
pub(super) struct OktaHook {
    header: String,
    keys: KeyRing,
}

impl From<&ResolvedOkta> for OktaHook {
    fn from(settings: &ResolvedOkta) -> Self {
        OktaHook {
            header: settings.header.clone(),
            keys: KeyRing::derived(&settings.secrets, credential_tag),
        }
    }
}

impl OktaHook {
    pub(super) fn verify(
        &self,
        req: &UnverifiedWebhook,
        now: DateTime<Utc>,
    ) -> Result<Proof, Rejection> {
        let presented = req.required_header(&self.header)?;
        let matched = self.keys.find_credential(now, presented)?;
        Ok(Proof {
            scheme: "okta",
            message_id: None,
            signed_at: None,
            matched,
        })
    }
}

/// The JSON body answering Okta's one-time verification request:
/// `{"verification": "<the challenge>"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OktaVerificationAnswer {
    pub verification: String,
}

/// Answers Okta's one-time verification `GET` by echoing `X-Okta-Verification-Challenge`.
///
/// No secret is checked: echoing the challenge only proves this endpoint exists, and every
/// later event must still carry the shared secret.
pub fn answer_okta_challenge(req: &UnverifiedWebhook) -> Result<OktaVerificationAnswer, Rejection> {
    const FORM: &str = "<challenge text>";
    let challenge = req.required_text(CHALLENGE_HEADER, FORM)?.trim();
    if challenge.is_empty()
        || challenge.len() > MAX_CHALLENGE_LEN
        || challenge.chars().any(char::is_control)
    {
        return Err(Rejection::malformed(CHALLENGE_HEADER, FORM));
    }
    Ok(OktaVerificationAnswer {
        verification: challenge.to_owned(),
    })
}

#[cfg(test)]
mod tests;
