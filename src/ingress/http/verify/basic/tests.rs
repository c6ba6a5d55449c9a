use super::super::fixtures::{at, verifier};
use super::super::{Rejection, UnverifiedWebhook};
use actix_web::http::Method;

const CONFIG: &str = r#"
        scheme = "basic"
        username = "workday"
        secrets = [
            { secret = "correct horse", label = "current" },
            { secret = "old:pass", expires_at = "2026-12-01T00:00:00Z" },
        ]
    "#;

fn with_authorization(value: &[u8]) -> UnverifiedWebhook {
    UnverifiedWebhook::new(Method::POST, "<soap/>").with_header("Authorization", value)
}

// "workday:correct horse" and "workday:old:pass" in base64, from `printf %s … | base64`.
const CURRENT: &str = "Basic d29ya2RheTpjb3JyZWN0IGhvcnNl";
const OLD: &str = "Basic d29ya2RheTpvbGQ6cGFzcw==";

#[test]
fn right_username_and_password_pass() {
    let verified = verifier(CONFIG)
        .verify(with_authorization(CURRENT.as_bytes()), at(0))
        .unwrap();
    assert_eq!(verified.matched_secret().label(), Some("current"));
    assert_eq!(verified.body().as_ref(), b"<soap/>");
    assert_eq!(verified.message_id(), None);
}

#[test]
fn scheme_word_is_case_insensitive() {
    let lower = CURRENT.replacen("Basic", "basic", 1);
    assert!(
        verifier(CONFIG)
            .verify(with_authorization(lower.as_bytes()), at(0))
            .is_ok()
    );
}

#[test]
fn an_old_password_passes_until_it_expires() {
    let v = verifier(CONFIG);
    let before = at(1_796_083_199); // 2026-11-30T23:59:59Z: one second before expiry
    assert_eq!(
        v.verify(with_authorization(OLD.as_bytes()), before)
            .unwrap()
            .matched_secret()
            .index(),
        1
    );
    let after = at(1_796_083_200);
    assert_eq!(
        v.verify(with_authorization(OLD.as_bytes()), after).err(),
        Some(Rejection::BadCredentials { tried: 1 })
    );
}

#[test]
fn wrong_password_or_username_is_refused() {
    // "workday:wrong" and "someone:correct horse"
    for value in [
        "Basic d29ya2RheTp3cm9uZw==",
        "Basic c29tZW9uZTpjb3JyZWN0IGhvcnNl",
    ] {
        let err = verifier(CONFIG)
            .verify(with_authorization(value.as_bytes()), at(0))
            .unwrap_err();
        assert_eq!(err.reason_code(), "bad_credentials", "{value}");
    }
}

#[test]
fn missing_or_other_authorization_asks_for_basic() {
    let v = verifier(CONFIG);
    let none = UnverifiedWebhook::new(Method::POST, "<soap/>");
    assert_eq!(
        v.verify(none, at(0)).err(),
        Some(Rejection::BasicAuthRequired)
    );
    let bearer = with_authorization(b"Bearer abc.def");
    assert_eq!(
        v.verify(bearer, at(0)).err(),
        Some(Rejection::BasicAuthRequired)
    );
}

#[test]
fn malformed_credentials_are_refused_without_panic() {
    let v = verifier(CONFIG);
    for value in [
        &b"Basic !!!not-base64"[..],
        b"Basic ",
        b"Basic d29ya2RheQ==", // "workday" with no colon
        b"Basic \xff\xfe",
        &[0xff, 0x00, 0x41],
    ] {
        let err = v.verify(with_authorization(value), at(0)).unwrap_err();
        assert_eq!(err.reason_code(), "malformed_header", "{value:?}");
    }
}

#[test]
fn a_username_with_a_colon_is_a_config_error() {
    let config = r#"
            scheme = "basic"
            username = "work:day"
            secrets = [{ secret = "x" }]
        "#;
    let err = super::super::fixtures::build_error(config);
    assert!(err.contains("verification.username"), "{err}");
}
