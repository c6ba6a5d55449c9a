//! Standard Webhooks: the published vectors, tampering, rotation, the replay window and
//! hostile headers.

use actix_web::http::Method;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::super::fixtures::{at, build_error, verifier};
use super::super::{Rejection, UnverifiedWebhook, Verifier};

/// The spec's own vector (webhook-sources.md).
const SPEC_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const SPEC_ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const SPEC_TS: i64 = 1_614_265_330;
const SPEC_BODY: &str = r#"{"test": 2432232314}"#;
const SPEC_SIGNATURE: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

/// The reference library's vector.
const REF_SECRET: &str = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD";
const REF_ID: &str = "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk";
const REF_TS: i64 = 1_649_367_553;
const REF_BODY: &str = r#"{"email":"test@example.com","username":"test_user"}"#;
const REF_SIGNATURE: &str = "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=";

fn single_secret(secret: &str) -> Verifier {
    verifier(&format!(
        "scheme = \"standard-webhooks\"\nsecrets = [{{ secret = \"{secret}\", label = \"only\" }}]"
    ))
}

fn delivery(id: &str, ts: &str, signature: &[u8], body: &str) -> UnverifiedWebhook {
    UnverifiedWebhook::new(Method::POST, body.to_owned())
        .with_header("webhook-id", id)
        .with_header("webhook-timestamp", ts)
        .with_header("webhook-signature", signature)
}

fn spec_delivery(signature: &str) -> UnverifiedWebhook {
    delivery(
        SPEC_ID,
        &SPEC_TS.to_string(),
        signature.as_bytes(),
        SPEC_BODY,
    )
}

/// Signs with the hmac crate directly, independently of the code under test.
fn sign(secret: &str, id: &str, ts: &str, body: &str) -> String {
    let key = STANDARD
        .decode(secret.trim_start_matches("whsec_"))
        .unwrap();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).unwrap();
    mac.update(format!("{id}.{ts}.{body}").as_bytes());
    format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
}

/// The same text with its middle character replaced by another ASCII letter.
fn flip_one_byte(text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    let middle = bytes.len() / 2;
    bytes[middle] = if bytes[middle] == b'x' { b'y' } else { b'x' };
    String::from_utf8(bytes).unwrap()
}

#[test]
fn spec_vector_verifies_at_its_timestamp() {
    let verified = single_secret(SPEC_SECRET)
        .verify(spec_delivery(SPEC_SIGNATURE), at(SPEC_TS))
        .unwrap();
    assert_eq!(verified.message_id(), Some(SPEC_ID));
    assert_eq!(verified.signed_at(), Some(at(SPEC_TS)));
    assert_eq!(verified.body().as_ref(), SPEC_BODY.as_bytes());
    assert_eq!(verified.matched_secret().label(), Some("only"));
    assert_eq!(verified.scheme(), "standard-webhooks");
    assert_eq!(verified.header("webhook-id"), Some(SPEC_ID.as_bytes()));
}

#[test]
fn reference_library_vector_verifies_at_its_timestamp() {
    let req = delivery(
        REF_ID,
        &REF_TS.to_string(),
        REF_SIGNATURE.as_bytes(),
        REF_BODY,
    );
    let verified = single_secret(REF_SECRET).verify(req, at(REF_TS)).unwrap();
    assert_eq!(verified.message_id(), Some(REF_ID));
}

#[test]
fn independent_signer_agrees_with_the_published_vectors() {
    let ts = SPEC_TS.to_string();
    assert_eq!(sign(SPEC_SECRET, SPEC_ID, &ts, SPEC_BODY), SPEC_SIGNATURE);
    let ts = REF_TS.to_string();
    assert_eq!(sign(REF_SECRET, REF_ID, &ts, REF_BODY), REF_SIGNATURE);
}

#[test]
fn one_changed_byte_of_body_id_or_timestamp_fails() {
    let cases = [
        (SPEC_SECRET, SPEC_ID, SPEC_TS, SPEC_BODY, SPEC_SIGNATURE),
        (REF_SECRET, REF_ID, REF_TS, REF_BODY, REF_SIGNATURE),
    ];
    for (secret, id, ts, body, signature) in cases {
        let v = single_secret(secret);
        let ts_text = ts.to_string();
        let changed_body = flip_one_byte(body);
        let changed_id = flip_one_byte(id);
        let changed_ts = (ts + 1).to_string();
        let tampered = [
            delivery(id, &ts_text, signature.as_bytes(), &changed_body),
            delivery(&changed_id, &ts_text, signature.as_bytes(), body),
            delivery(id, &changed_ts, signature.as_bytes(), body),
        ];
        for req in tampered {
            let err = v.verify(req, at(ts)).unwrap_err();
            assert_eq!(err, Rejection::NoSignatureMatched { read: 1, tried: 1 });
            assert_eq!(err.reason_code(), "bad_signature");
        }
    }
}

#[test]
fn old_and_new_secrets_both_verify_during_rotation() {
    let v = verifier(&format!(
        r#"scheme = "standard-webhooks"
           secrets = [
             {{ secret = "{REF_SECRET}", label = "2026-11" }},
             {{ secret = "{SPEC_SECRET}", label = "2026-05", expires_at = "2030-01-01T00:00:00Z" }},
           ]"#
    ));
    let new = v.verify(
        spec_delivery(&sign(REF_SECRET, SPEC_ID, &SPEC_TS.to_string(), SPEC_BODY)),
        at(SPEC_TS),
    );
    assert_eq!(new.unwrap().matched_secret().label(), Some("2026-11"));
    let old = v
        .verify(spec_delivery(SPEC_SIGNATURE), at(SPEC_TS))
        .unwrap();
    assert_eq!(old.matched_secret().label(), Some("2026-05"));
    assert_eq!(old.matched_secret().index(), 1);
}

#[test]
fn a_sender_signing_with_both_secrets_matches_either() {
    let v = single_secret(SPEC_SECRET);
    let ts = SPEC_TS.to_string();
    let both = format!(
        "{} {SPEC_SIGNATURE}",
        sign(REF_SECRET, SPEC_ID, &ts, SPEC_BODY)
    );
    assert!(v.verify(spec_delivery(&both), at(SPEC_TS)).is_ok());
}

#[test]
fn an_expired_secret_no_longer_verifies() {
    // The old secret expires at 2021-02-25T15:02:10Z, which is SPEC_TS.
    let v = verifier(&format!(
        r#"scheme = "standard-webhooks"
           secrets = [
             {{ secret = "{REF_SECRET}" }},
             {{ secret = "{SPEC_SECRET}", expires_at = "2021-02-25T15:02:10Z" }},
           ]"#
    ));
    let err = v
        .verify(spec_delivery(SPEC_SIGNATURE), at(SPEC_TS))
        .unwrap_err();
    assert_eq!(err, Rejection::NoSignatureMatched { read: 1, tried: 1 });

    let second_before = (SPEC_TS - 1).to_string();
    let signature = sign(SPEC_SECRET, SPEC_ID, &second_before, SPEC_BODY);
    let earlier = delivery(SPEC_ID, &second_before, signature.as_bytes(), SPEC_BODY);
    assert_eq!(
        v.verify(earlier, at(SPEC_TS - 1))
            .unwrap()
            .matched_secret()
            .index(),
        1
    );
}

#[test]
fn tolerance_edges_pass_and_one_second_beyond_fails_both_ways() {
    let v = single_secret(SPEC_SECRET);
    assert!(
        v.verify(spec_delivery(SPEC_SIGNATURE), at(SPEC_TS + 300))
            .is_ok()
    );
    assert!(
        v.verify(spec_delivery(SPEC_SIGNATURE), at(SPEC_TS - 300))
            .is_ok()
    );
    assert_eq!(
        v.verify(spec_delivery(SPEC_SIGNATURE), at(SPEC_TS + 301))
            .err(),
        Some(Rejection::StaleTimestamp {
            age_seconds: 301,
            tolerance_seconds: 300
        })
    );
    assert_eq!(
        v.verify(spec_delivery(SPEC_SIGNATURE), at(SPEC_TS - 301))
            .err(),
        Some(Rejection::FutureTimestamp {
            ahead_seconds: 301,
            tolerance_seconds: 300
        })
    );
}

#[test]
fn a_configured_tolerance_replaces_the_default() {
    let v = verifier(&format!(
        "scheme = \"standard-webhooks\"\ntolerance_seconds = 60\nsecrets = [{{ secret = \"{SPEC_SECRET}\" }}]"
    ));
    assert!(
        v.verify(spec_delivery(SPEC_SIGNATURE), at(SPEC_TS + 60))
            .is_ok()
    );
    let err = v
        .verify(spec_delivery(SPEC_SIGNATURE), at(SPEC_TS + 61))
        .unwrap_err();
    assert_eq!(err.reason_code(), "stale_timestamp");
}

#[test]
fn each_missing_header_is_named() {
    let v = single_secret(SPEC_SECRET);
    let ts = SPEC_TS.to_string();
    for missing in ["webhook-id", "webhook-timestamp", "webhook-signature"] {
        let mut req = UnverifiedWebhook::new(Method::POST, SPEC_BODY);
        for (name, value) in [
            ("webhook-id", SPEC_ID),
            ("webhook-timestamp", &ts),
            ("webhook-signature", SPEC_SIGNATURE),
        ] {
            if name != missing {
                req = req.with_header(name, value);
            }
        }
        let err = v.verify(req, at(SPEC_TS)).unwrap_err();
        assert_eq!(err.to_string(), format!("missing header {missing}"));
        assert_eq!(err.reason_code(), "missing_header");
    }
}

#[test]
fn malformed_signature_headers_are_refused() {
    let v = single_secret(SPEC_SECRET);
    for bad in [
        "g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
        "v1,not*base64",
        ",abc",
        "v1:abc",
    ] {
        let err = v.verify(spec_delivery(bad), at(SPEC_TS)).unwrap_err();
        assert_eq!(
            err.to_string(),
            "malformed webhook-signature header: expected 'v1,<base64>'",
            "{bad}"
        );
    }
}

#[test]
fn an_empty_v1_signature_does_not_pass() {
    let v = single_secret(SPEC_SECRET);
    let err = v.verify(spec_delivery("v1,"), at(SPEC_TS)).unwrap_err();
    assert_eq!(err, Rejection::NoSignatureMatched { read: 1, tried: 1 });
}

#[test]
fn an_empty_signature_list_is_refused() {
    let v = single_secret(SPEC_SECRET);
    for empty in ["", "   "] {
        let err = v.verify(spec_delivery(empty), at(SPEC_TS)).unwrap_err();
        assert_eq!(err.reason_code(), "empty_signature_list", "{empty:?}");
    }
}

#[test]
fn ed25519_entries_are_skipped_not_errors() {
    let v = single_secret(SPEC_SECRET);
    let ed = "v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg==";
    let with_v1 = format!("{ed} {SPEC_SIGNATURE}");
    assert!(v.verify(spec_delivery(&with_v1), at(SPEC_TS)).is_ok());
    assert_eq!(
        v.verify(spec_delivery(ed), at(SPEC_TS)).err(),
        Some(Rejection::EmptySignatureList {
            header: "webhook-signature".into(),
            skipped: 1
        })
    );
}

#[test]
fn more_than_ten_signatures_are_refused() {
    let v = single_secret(SPEC_SECRET);
    let filler = "v1,AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= ".repeat(9);
    let ten = format!("{filler}{SPEC_SIGNATURE}");
    assert!(v.verify(spec_delivery(&ten), at(SPEC_TS)).is_ok());
    let eleven = format!("v1,AAAA {ten}");
    assert_eq!(
        v.verify(spec_delivery(&eleven), at(SPEC_TS)).err(),
        Some(Rejection::TooManySignatures { limit: 10 })
    );
}

#[test]
fn a_signature_of_the_wrong_length_fails() {
    let v = single_secret(SPEC_SECRET);
    // The first 16 bytes of the genuine signature, re-encoded.
    let genuine = STANDARD.decode(&SPEC_SIGNATURE[3..]).unwrap();
    let short = format!("v1,{}", STANDARD.encode(&genuine[..16]));
    let long = format!("v1,{}", STANDARD.encode([&genuine[..], &[0u8]].concat()));
    for sig in [short, long] {
        let err = v.verify(spec_delivery(&sig), at(SPEC_TS)).unwrap_err();
        assert_eq!(err.reason_code(), "bad_signature");
    }
}

#[test]
fn garbage_headers_and_empty_bodies_are_refused_without_panic() {
    let v = single_secret(SPEC_SECRET);
    let ts = SPEC_TS.to_string();
    let non_utf8 = delivery(SPEC_ID, &ts, b"v1,\xff\xfe", SPEC_BODY);
    assert_eq!(
        v.verify(non_utf8, at(SPEC_TS)).unwrap_err().reason_code(),
        "malformed_header"
    );
    let non_utf8_id = UnverifiedWebhook::new(Method::POST, SPEC_BODY)
        .with_header("webhook-id", b"\xc3\x28")
        .with_header("webhook-timestamp", &ts)
        .with_header("webhook-signature", SPEC_SIGNATURE);
    assert_eq!(
        v.verify(non_utf8_id, at(SPEC_TS))
            .unwrap_err()
            .reason_code(),
        "malformed_header"
    );
    let huge_entry = format!("v1,{}", "A".repeat(1 << 20));
    assert_eq!(
        v.verify(spec_delivery(&huge_entry), at(SPEC_TS))
            .unwrap_err()
            .reason_code(),
        "malformed_header"
    );
    let huge_list = "v1a,x ".repeat(100_000);
    assert_eq!(
        v.verify(spec_delivery(&huge_list), at(SPEC_TS))
            .unwrap_err()
            .reason_code(),
        "too_many_signatures"
    );
    let empty_body = delivery(SPEC_ID, &ts, SPEC_SIGNATURE.as_bytes(), "");
    assert_eq!(
        v.verify(empty_body, at(SPEC_TS)).unwrap_err().reason_code(),
        "bad_signature"
    );
    let signed_empty = sign(SPEC_SECRET, SPEC_ID, &ts, "");
    assert!(
        v.verify(
            delivery(SPEC_ID, &ts, signed_empty.as_bytes(), ""),
            at(SPEC_TS)
        )
        .is_ok()
    );
    let bad_ts = delivery(SPEC_ID, "16142653e0", SPEC_SIGNATURE.as_bytes(), SPEC_BODY);
    assert_eq!(
        v.verify(bad_ts, at(SPEC_TS)).unwrap_err().reason_code(),
        "malformed_header"
    );
}

#[test]
fn rejections_never_carry_the_expected_signature() {
    let v = single_secret(SPEC_SECRET);
    let err = v.verify(spec_delivery("v1,AAAA"), at(SPEC_TS)).unwrap_err();
    let text = format!("{err} {err:?}");
    assert!(!text.contains("g0hM9SsE"), "{text}");
    assert!(!text.contains("MfKQ9r8G"), "{text}");
}

#[test]
fn secret_without_whsec_prefix_is_a_config_error() {
    let err = build_error(
        "scheme = \"standard-webhooks\"\nsecrets = [{ secret = \"MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\" }]",
    );
    assert!(
        err.starts_with("sources.test.verification.secrets[0].secret:"),
        "{err}"
    );
    assert!(err.contains("whsec_"), "{err}");
    assert!(!err.contains("MfKQ9r8G"), "{err}");
}

#[test]
fn secret_with_bad_base64_is_a_config_error() {
    for bad in ["whsec_not base64!", "whsec_"] {
        let err = build_error(&format!(
            "scheme = \"standard-webhooks\"\nsecrets = [{{ secret = \"{SPEC_SECRET}\" }}, {{ secret = \"{bad}\" }}]"
        ));
        assert!(
            err.starts_with("sources.test.verification.secrets[1].secret:"),
            "{err}"
        );
        assert!(err.contains("base64"), "{err}");
    }
}

#[test]
fn empty_secret_list_and_zero_tolerance_are_config_errors() {
    let err = build_error("scheme = \"standard-webhooks\"\nsecrets = []");
    assert!(
        err.starts_with("sources.test.verification.secrets:"),
        "{err}"
    );
    let err = build_error(&format!(
        "scheme = \"standard-webhooks\"\ntolerance_seconds = 0\nsecrets = [{{ secret = \"{SPEC_SECRET}\" }}]"
    ));
    assert!(
        err.starts_with("sources.test.verification.tolerance_seconds:"),
        "{err}"
    );
}

#[test]
fn only_expired_secrets_refuse_everything() {
    let v = verifier(&format!(
        "scheme = \"standard-webhooks\"\nsecrets = [{{ secret = \"{SPEC_SECRET}\", expires_at = \"2020-01-01T00:00:00Z\" }}]"
    ));
    assert_eq!(
        v.verify(spec_delivery(SPEC_SIGNATURE), at(SPEC_TS)).err(),
        Some(Rejection::NoLiveSecret)
    );
}
