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
    let req =
        UnverifiedWebhook::new(Method::GET, "").with_header("x-okta-verification-challenge", "abc");
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
