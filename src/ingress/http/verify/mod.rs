//! Webhook signature verification: proving a delivery came from the source it claims.
//!
//! The HTTP layer wraps what it received in an [`UnverifiedWebhook`] and hands it to the
//! source's [`Verifier`], built once at start-up from a [`VerificationConfig`] (whose settings
//! and checks live in `config::verification`). Only [`Verifier::verify`] makes a
//! [`VerifiedWebhook`], so nothing further in can act on a body whose origin was not proven.
//! A refusal is a [`Rejection`] whose message tells the sender what
//! to fix and whose [`Rejection::reason_code`] labels metrics.
//!
//! Schemes: Standard Webhooks (the default for new senders), one configurable HMAC scheme with
//! presets for BambooHR, HiBob, Greenhouse, Gusto and Deel, basic auth for Workday, and Okta's
//! static header plus its one-time challenge. Nothing here does I/O except resolving secrets
//! at build time; the caller passes the current time, read from [`crate::clock::Clock`].

mod basic;
mod hmac_scheme;
mod keys;
mod mac;
mod okta;
mod rejection;
mod standard;
mod timestamp;
mod webhook;

#[cfg(test)]
mod fixtures;

use chrono::{DateTime, Utc};

pub use keys::MatchedSecret;
pub use okta::{OktaVerificationAnswer, answer_okta_challenge};
pub use rejection::Rejection;
pub use standard::MAX_SIGNATURES;
pub use webhook::{UnverifiedWebhook, VerifiedWebhook};

use crate::config::verification::{
    ResolvedVerification, VerificationConfig, VerificationConfigError,
};

/// One source's ready verifier: settings checked, secrets resolved. Build it once with
/// [`Verifier::build`] and share it (it is `Send + Sync`).
#[derive(Debug)]
pub struct Verifier {
    scheme: Scheme,
}

#[derive(Debug)]
enum Scheme {
    StandardWebhooks(standard::StandardWebhooks),
    Hmac(hmac_scheme::HmacScheme),
    Basic(basic::BasicAuth),
    Okta(okta::OktaHook),
}

impl Verifier {
    /// Checks the settings, resolves the secrets and returns a verifier ready for deliveries.
    /// `key_prefix` is where this table sits in the config (e.g.
    /// `sources.partner-portal.verification`); errors name keys below it.
    pub fn build(
        config: &VerificationConfig,
        key_prefix: &str,
    ) -> Result<Verifier, VerificationConfigError> {
        Ok(Verifier::from(&config.resolve(key_prefix)?))
    }

    /// Proves `request` came from the source, as of `now` (which decides timestamp freshness
    /// and which secrets have expired). Takes the request by value: on success it comes back
    /// as a [`VerifiedWebhook`], on failure it is gone.
    pub fn verify(
        &self,
        request: UnverifiedWebhook,
        now: DateTime<Utc>,
    ) -> Result<VerifiedWebhook, Rejection> {
        let proof = match &self.scheme {
            Scheme::StandardWebhooks(s) => s.verify(&request, now)?,
            Scheme::Hmac(s) => s.verify(&request, now)?,
            Scheme::Basic(s) => s.verify(&request, now)?,
            Scheme::Okta(s) => s.verify(&request, now)?,
        };
        Ok(VerifiedWebhook::new(request, proof))
    }

    /// The configured scheme as written in the config: `standard-webhooks`, `hmac`, `basic`
    /// or `okta`. For logs and metrics labels.
    pub fn scheme(&self) -> &'static str {
        match self.scheme {
            Scheme::StandardWebhooks(_) => "standard-webhooks",
            Scheme::Hmac(_) => "hmac",
            Scheme::Basic(_) => "basic",
            Scheme::Okta(_) => "okta",
        }
    }

    /// Whether this source is an Okta event hook, whose registration sends a one-time `GET`
    /// that [`Verifier::answer_okta_challenge`] answers.
    pub fn takes_okta_challenge(&self) -> bool {
        matches!(self.scheme, Scheme::Okta(_))
    }

    /// Answers Okta's one-time verification request for an Okta source; any other source
    /// refuses it, so the echo cannot be used on endpoints that never expect it.
    pub fn answer_okta_challenge(
        &self,
        request: &UnverifiedWebhook,
    ) -> Result<OktaVerificationAnswer, Rejection> {
        if !self.takes_okta_challenge() {
            return Err(Rejection::NotAccepted {
                what: "an Okta verification challenge",
            });
        }
        answer_okta_challenge(request)
    }
}

impl From<&ResolvedVerification> for Verifier {
    fn from(settings: &ResolvedVerification) -> Self {
        let scheme = match settings {
            ResolvedVerification::StandardWebhooks(s) => Scheme::StandardWebhooks(s.into()),
            ResolvedVerification::Hmac(s) => Scheme::Hmac(s.into()),
            ResolvedVerification::Basic(s) => Scheme::Basic(s.into()),
            ResolvedVerification::Okta(s) => Scheme::Okta(s.into()),
        };
        Verifier { scheme }
    }
}

#[cfg(test)]
mod tests;
