//! The generic HMAC scheme without a preset: payload shapes, rotation, and config checks. The
//! presets are checked in `presets`, each against its sender's own example.

mod presets;

use actix_web::http::Method;

use crate::ingress::http::verify::fixtures::{at, build_error, verifier};
use crate::ingress::http::verify::{Rejection, UnverifiedWebhook, Verifier};

/// 2026-01-01T00:00:00Z.
const TS: i64 = 1_767_225_600;

/// `{id}.{ts}.{body}` = `evt_42.1767225600.{"ok":true}` under "generic-secret-key", HMAC-SHA256 in
/// base64, computed with python3's hmac module.
const PYTHON_ID_TS_BODY: &str = "WutFc7wU+5JFhBBfZSg08i75aUMmC0sos+klXBMwTSc=";

fn id_ts_body(secrets: &str) -> Verifier {
    verifier(&format!(
        r#"scheme = "hmac"
           algorithm = "sha256"
           encoding = "base64"
           signature_header = "X-Signature"
           signature_prefix = "v1="
           signed_payload = "id.timestamp.body"
           id_header = "X-Event-Id"
           timestamp_header = "X-Event-Time"
           tolerance_seconds = 60
           secrets = {secrets}"#
    ))
}

fn delivery(id: &str, ts: &str, signature: &str) -> UnverifiedWebhook {
    UnverifiedWebhook::new(Method::POST, r#"{"ok":true}"#)
        .with_header("x-event-id", id)
        .with_header("x-event-time", ts)
        .with_header("x-signature", signature)
}

fn genuine() -> UnverifiedWebhook {
    delivery("evt_42", "1767225600", &format!("v1={PYTHON_ID_TS_BODY}"))
}

#[test]
fn id_timestamp_body_verifies_and_reports_id_and_time() {
    let v = id_ts_body(r#"[{ secret = "generic-secret-key", label = "k1" }]"#);
    let verified = v.verify(genuine(), at(TS)).unwrap();
    assert_eq!(verified.message_id(), Some("evt_42"));
    assert_eq!(verified.signed_at(), Some(at(TS)));
    assert_eq!(verified.scheme(), "hmac");
    assert_eq!(verified.matched_secret().label(), Some("k1"));
}

#[test]
fn changing_id_or_timestamp_breaks_the_signature() {
    let v = id_ts_body(r#"[{ secret = "generic-secret-key" }]"#);
    let sig = format!("v1={PYTHON_ID_TS_BODY}");
    for req in [
        delivery("evt_43", "1767225600", &sig),
        delivery("evt_42", "1767225601", &sig),
    ] {
        assert_eq!(
            v.verify(req, at(TS)).err(),
            Some(Rejection::NoSignatureMatched { read: 1, tried: 1 })
        );
    }
}

#[test]
fn configured_tolerance_applies_both_ways() {
    let v = id_ts_body(r#"[{ secret = "generic-secret-key" }]"#);
    assert!(v.verify(genuine(), at(TS + 60)).is_ok());
    assert!(v.verify(genuine(), at(TS - 60)).is_ok());
    assert_eq!(
        v.verify(genuine(), at(TS + 61)).unwrap_err().reason_code(),
        "stale_timestamp"
    );
    assert_eq!(
        v.verify(genuine(), at(TS - 61)).unwrap_err().reason_code(),
        "future_timestamp"
    );
}

#[test]
fn rotation_accepts_either_secret_until_the_old_one_expires() {
    let v = id_ts_body(
        r#"[{ secret = "new-secret-key-value", label = "new" },
            { secret = "generic-secret-key", label = "old", expires_at = "2026-01-01T00:00:30Z" }]"#,
    );
    assert_eq!(
        v.verify(genuine(), at(TS + 29))
            .unwrap()
            .matched_secret()
            .label(),
        Some("old")
    );
    assert_eq!(
        v.verify(genuine(), at(TS + 30)).err(),
        Some(Rejection::NoSignatureMatched { read: 1, tried: 1 })
    );
}

#[test]
fn unusable_signature_headers_are_refused_without_panic() {
    let v = id_ts_body(r#"[{ secret = "generic-secret-key" }]"#);
    let huge = format!("v1={}", "A".repeat(100_000));
    let cases: [(&[u8], &str); 6] = [
        (PYTHON_ID_TS_BODY.as_bytes(), "malformed_header"), // prefix missing
        (b"v1=", "empty_signature_list"),
        (b"v1=***", "malformed_header"),
        (b"v1=\xff\xfe", "malformed_header"),
        (huge.as_bytes(), "malformed_header"),
        (b"v1=AAAAAAAAAAAAAAAAAAAAAA==", "bad_signature"), // 16 bytes: wrong length
    ];
    for (value, code) in cases {
        let req = UnverifiedWebhook::new(Method::POST, r#"{"ok":true}"#)
            .with_header("x-event-id", "evt_42")
            .with_header("x-event-time", "1767225600")
            .with_header("x-signature", value);
        let err = v.verify(req, at(TS)).unwrap_err();
        assert_eq!(err.reason_code(), code, "{value:?}: {err}");
    }
}

#[test]
fn the_prefix_is_matched_without_regard_to_case() {
    let v = id_ts_body(r#"[{ secret = "generic-secret-key" }]"#);
    let req = delivery("evt_42", "1767225600", &format!("V1={PYTHON_ID_TS_BODY}"));
    assert!(v.verify(req, at(TS)).is_ok());
}

#[test]
fn an_empty_body_is_verified_like_any_other() {
    let v = verifier(
        "scheme = \"hmac\"\nalgorithm = \"sha256\"\nencoding = \"hex\"\nsignature_header = \"x-sig\"\nsecrets = [{ secret = \"sixteen-byte-key\" }]",
    );
    // HMAC-SHA256(key="sixteen-byte-key", "") from
    // `printf '' | openssl dgst -sha256 -hmac sixteen-byte-key`.
    let empty = "c8c6eb2b524d32dc842ea285f8057ca0814743377260b7038d8c3603c64c9391";
    assert!(
        v.verify(UnverifiedWebhook::new(Method::POST, ""), at(0))
            .is_err()
    );
    let req = UnverifiedWebhook::new(Method::POST, "").with_header("x-sig", empty);
    assert!(v.verify(req, at(0)).is_ok());
}

fn generic(extra: &str) -> String {
    build_error(&format!(
        "scheme = \"hmac\"\nsecrets = [{{ secret = \"k\" }}]\n{extra}"
    ))
}

#[test]
fn without_a_preset_the_essentials_are_required() {
    let err = generic("");
    assert!(
        err.starts_with("sources.test.verification.algorithm: required"),
        "{err}"
    );
    let err = generic("algorithm = \"sha512\"");
    assert!(
        err.starts_with("sources.test.verification.signature_header:"),
        "{err}"
    );
    let err = generic("algorithm = \"sha512\"\nsignature_header = \"x-sig\"");
    assert!(
        err.starts_with("sources.test.verification.encoding:"),
        "{err}"
    );
}

#[test]
fn settings_that_the_payload_does_not_use_are_refused() {
    let base = "algorithm = \"sha256\"\nencoding = \"hex\"\nsignature_header = \"x-sig\"";
    let err = generic(&format!("{base}\ntimestamp_header = \"x-ts\""));
    assert!(
        err.starts_with("sources.test.verification.timestamp_header: not used"),
        "{err}"
    );
    let err = generic(&format!("{base}\ntolerance_seconds = 30"));
    assert!(
        err.starts_with("sources.test.verification.tolerance_seconds: not used"),
        "{err}"
    );
    let err = generic(&format!("{base}\nid_header = \"x-id\""));
    assert!(
        err.starts_with("sources.test.verification.id_header: not used"),
        "{err}"
    );
}

#[test]
fn a_signed_id_or_timestamp_needs_its_header() {
    let base = "algorithm = \"sha256\"\nencoding = \"hex\"\nsignature_header = \"x-sig\"";
    let err = generic(&format!(
        "{base}\nsigned_payload = \"id.timestamp.body\"\ntimestamp_header = \"x-ts\""
    ));
    assert!(
        err.starts_with("sources.test.verification.id_header: required"),
        "{err}"
    );
    let err = generic(&format!("{base}\nsigned_payload = \"body-then-timestamp\""));
    assert!(
        err.starts_with("sources.test.verification.timestamp_header: required"),
        "{err}"
    );
    let err = generic(&format!(
        "{base}\nsigned_payload = \"body-then-timestamp\"\ntimestamp_header = \"x-ts\"\ntolerance_seconds = 0"
    ));
    assert!(
        err.starts_with("sources.test.verification.tolerance_seconds:"),
        "{err}"
    );
}

#[test]
fn a_bad_header_name_is_refused() {
    let err = generic("algorithm = \"sha256\"\nencoding = \"hex\"\nsignature_header = \"x sig\"");
    assert!(
        err.starts_with("sources.test.verification.signature_header:"),
        "{err}"
    );
}

#[test]
fn overriding_a_presets_payload_drops_its_timestamp_header() {
    // BambooHR's preset brings a timestamp header; signing the body alone no longer needs it.
    let v = verifier(
        "scheme = \"hmac\"\npreset = \"bamboohr\"\nsigned_payload = \"body\"\nsecrets = [{ secret = \"sixteen-byte-key\" }]",
    );
    let empty = "c8c6eb2b524d32dc842ea285f8057ca0814743377260b7038d8c3603c64c9391";
    let req = UnverifiedWebhook::new(Method::POST, "").with_header("x-bamboohr-signature", empty);
    assert!(v.verify(req, at(0)).is_ok());
}

#[test]
fn a_secret_shorter_than_sixteen_bytes_is_refused_naming_it() {
    let err = build_error(
        "scheme = \"hmac\"\npreset = \"deel\"\nsecrets = [{ secret = \"fifteen-bytes!!\" }]",
    );
    assert!(
        err.starts_with("sources.test.verification.secrets[0].secret: the secret is 15 bytes"),
        "{err}"
    );
    // A Standard Webhooks key of 15 bytes, base64 after whsec_.
    let err = build_error(
        "scheme = \"standard-webhooks\"\nsecrets = [{ secret = \"whsec_ZmlmdGVlbi1ieXRlcyEh\" }]",
    );
    assert!(err.contains("the secret is 15 bytes"), "{err}");
}
