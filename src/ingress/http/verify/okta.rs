//! Okta event hooks: a one-time verification `GET` when the hook is registered, then every
//! event `POST` carries a static shared secret in a header chosen when the hook was set up.
//!
//! ```toml
//! [sources.okta.verification]
//! scheme = "okta"
//! header = "Authorization"                 # the default
//! secrets = [{ secret = { env = "OKTA_HOOK_SECRET" } }]   # the header's whole value
//! ```

use chrono::{DateTime, Utc};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};

use super::config::{SecretEntry, VerificationConfigError, header_name};
use super::keys::KeyRing;
use super::mac::credential_tag;
use super::rejection::Rejection;
use super::webhook::{Proof, UnverifiedWebhook};

const DEFAULT_HEADER: &str = "authorization";
const CHALLENGE_HEADER: &str = "x-okta-verification-challenge";

/// Okta's challenges are short random strings; anything longer is not echoed.
const MAX_CHALLENGE_LEN: usize = 1024;

/// `scheme = "okta"`: the secret is compared with the whole header value, byte for byte.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OktaConfig {
    /// The header Okta was told to send; `Authorization` when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub header: Option<String>,
    pub secrets: Vec<SecretEntry>,
}

/// A ready Okta event-hook verifier; it keeps only digests of the header values.
#[derive(Debug)]
pub(super) struct OktaHook {
    header: String,
    keys: KeyRing,
}

impl OktaConfig {
    pub(super) fn build(&self, prefix: &str) -> Result<OktaHook, VerificationConfigError> {
        let header = match &self.header {
            Some(name) => header_name(format!("{prefix}.header"), name)?,
            None => DEFAULT_HEADER.to_owned(),
        };
        let keys = KeyRing::resolve(&self.secrets, prefix, |secret, _| {
            Ok(credential_tag(secret.expose_secret().as_bytes()))
        })?;
        Ok(OktaHook { header, keys })
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
mod tests {
    use super::super::fixtures::{at, verifier};
    use super::super::{Rejection, UnverifiedWebhook};
    use super::*;
    use actix_web::http::Method;

    const CONFIG: &str = r#"
        scheme = "okta"
        secrets = [{ secret = "Bearer okta-hook-secret", label = "current" }]
    "#;

    fn event(header: &str, value: &[u8]) -> UnverifiedWebhook {
        UnverifiedWebhook::new(Method::POST, r#"{"data":{}}"#).with_header(header, value)
    }

    #[test]
    fn challenge_is_echoed_as_okta_expects() {
        let req = UnverifiedWebhook::new(Method::GET, "").with_header(
            "X-Okta-Verification-Challenge",
            "HDUDIJADsfaFALOdNB8dAkA4SCy",
        );
        let answer = answer_okta_challenge(&req).unwrap();
        assert_eq!(
            serde_json::to_string(&answer).unwrap(),
            r#"{"verification":"HDUDIJADsfaFALOdNB8dAkA4SCy"}"#
        );
        assert_eq!(
            verifier(CONFIG).answer_okta_challenge(&req).unwrap(),
            answer
        );
    }

    #[test]
    fn challenge_missing_or_unusable_is_refused() {
        let none = UnverifiedWebhook::new(Method::GET, "");
        assert_eq!(
            answer_okta_challenge(&none).err(),
            Some(Rejection::missing("x-okta-verification-challenge"))
        );
        let huge = "a".repeat(MAX_CHALLENGE_LEN + 1);
        for bad in [&b""[..], b"\xff\xfe", b"a\x01b", huge.as_bytes()] {
            let req = UnverifiedWebhook::new(Method::GET, "")
                .with_header("x-okta-verification-challenge", bad);
            let err = answer_okta_challenge(&req).unwrap_err();
            assert_eq!(err.reason_code(), "malformed_header");
        }
    }

    #[test]
    fn only_okta_sources_answer_the_challenge() {
        let std_config = r#"
            scheme = "standard-webhooks"
            secrets = [{ secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" }]
        "#;
        let req = UnverifiedWebhook::new(Method::GET, "")
            .with_header("x-okta-verification-challenge", "abc");
        let err = verifier(std_config)
            .answer_okta_challenge(&req)
            .unwrap_err();
        assert_eq!(err.reason_code(), "not_accepted");
    }

    #[test]
    fn the_static_header_verifies_an_event() {
        let verified = verifier(CONFIG)
            .verify(event("Authorization", b"Bearer okta-hook-secret"), at(0))
            .unwrap();
        assert_eq!(verified.matched_secret().label(), Some("current"));
        assert_eq!(verified.scheme(), "okta");
    }

    #[test]
    fn a_wrong_or_missing_static_header_is_refused() {
        let v = verifier(CONFIG);
        for wrong in [
            &b"Bearer okta-hook-secreT"[..],
            b"Bearer okta-hook-secret ",
            b"",
            b"\xff",
        ] {
            let err = v.verify(event("authorization", wrong), at(0)).unwrap_err();
            assert_eq!(err, Rejection::BadCredentials { tried: 1 }, "{wrong:?}");
        }
        let none = UnverifiedWebhook::new(Method::POST, "{}");
        assert_eq!(
            v.verify(none, at(0)).err(),
            Some(Rejection::missing("authorization"))
        );
    }

    #[test]
    fn a_custom_header_name_is_honoured() {
        let config = r#"
            scheme = "okta"
            header = "X-Hook-Key"
            secrets = [{ secret = "k1" }]
        "#;
        let v = verifier(config);
        assert!(v.verify(event("x-hook-key", b"k1"), at(0)).is_ok());
        assert_eq!(
            v.verify(event("authorization", b"k1"), at(0)).err(),
            Some(Rejection::missing("x-hook-key"))
        );
    }
}
