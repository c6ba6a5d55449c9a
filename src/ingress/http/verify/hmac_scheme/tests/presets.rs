//! Each preset against a vector computed outside this crate (Python's `hmac`/`hashlib`, pasted
//! as literals) and one computed here with the `hmac` crate directly.

use actix_web::http::Method;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::{Sha256, Sha512};

use crate::ingress::http::verify::fixtures::{at, build_error, verifier};
use crate::ingress::http::verify::{Rejection, UnverifiedWebhook, Verifier};

/// 2026-01-01T00:00:00Z, the timestamp used in the BambooHR vector.
const BAMBOO_TS: i64 = 1_767_225_600;

fn preset(name: &str, secret: &str) -> Verifier {
    verifier(&format!(
        "scheme = \"hmac\"\npreset = \"{name}\"\nsecrets = [{{ secret = \"{secret}\" }}]"
    ))
}

fn post(body: &str) -> UnverifiedWebhook {
    UnverifiedWebhook::new(Method::POST, body.to_owned())
}

fn hmac_sha256(key: &str, parts: &[&str]) -> Vec<u8> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes()).unwrap();
    for part in parts {
        mac.update(part.as_bytes());
    }
    mac.finalize().into_bytes().to_vec()
}

fn hmac_sha512(key: &str, body: &str) -> Vec<u8> {
    let mut mac = Hmac::<Sha512>::new_from_slice(key.as_bytes()).unwrap();
    mac.update(body.as_bytes());
    mac.finalize().into_bytes().to_vec()
}

/// Asserts a POST of `body` with `headers` verifies, and that the same headers over the body
/// with its first byte changed do not.
fn assert_verifies_and_tamper_fails(v: &Verifier, body: &str, headers: &[(&str, &str)], now: i64) {
    let build = |body: Vec<u8>| {
        headers.iter().fold(
            UnverifiedWebhook::new(Method::POST, body),
            |req, (name, value)| req.with_header(name, value),
        )
    };
    let mut tampered = body.as_bytes().to_vec();
    tampered[0] ^= 0x01;
    assert!(v.verify(build(body.as_bytes().to_vec()), at(now)).is_ok());
    assert_eq!(
        v.verify(build(tampered), at(now)).err(),
        Some(Rejection::NoSignatureMatched { read: 1, tried: 1 })
    );
}

#[test]
fn bamboohr_signs_body_then_timestamp_in_hex() {
    let v = preset("bamboohr", "bamboo-private-key");
    let body = r#"{"employees":[{"id":"123","action":"Updated"}]}"#;
    // python3: hmac.new(b"bamboo-private-key", body + "1767225600", sha256).hexdigest()
    let python = "bf761403a23362c218e976bb522197a642da84eb77c04a39c7ccaa1f2b3eeb0b";
    let headers = [
        ("X-BambooHR-Signature", python),
        ("X-BambooHR-Timestamp", "1767225600"),
    ];
    assert_verifies_and_tamper_fails(&v, body, &headers, BAMBOO_TS);

    let other = r#"{"employees":[{"id":"7","action":"Deleted"}]}"#;
    let ts = (BAMBOO_TS + 10).to_string();
    let ours = hex::encode(hmac_sha256("bamboo-private-key", &[other, &ts]));
    let req = post(other)
        .with_header("x-bamboohr-signature", ours)
        .with_header("x-bamboohr-timestamp", &ts);
    let verified = v.verify(req, at(BAMBOO_TS)).unwrap();
    assert_eq!(verified.signed_at(), Some(at(BAMBOO_TS + 10)));
}

#[test]
fn bamboohr_timestamp_is_signed_and_checked_for_freshness() {
    let v = preset("bamboohr", "bamboo-private-key");
    let body = r#"{"employees":[{"id":"123","action":"Updated"}]}"#;
    let python = "bf761403a23362c218e976bb522197a642da84eb77c04a39c7ccaa1f2b3eeb0b";
    let with_ts = |ts: &str| {
        post(body)
            .with_header("X-BambooHR-Signature", python)
            .with_header("X-BambooHR-Timestamp", ts)
    };
    let moved = v.verify(with_ts("1767225601"), at(BAMBOO_TS)).unwrap_err();
    assert_eq!(moved.reason_code(), "bad_signature");
    assert!(v.verify(with_ts("1767225600"), at(BAMBOO_TS + 300)).is_ok());
    let stale = v
        .verify(with_ts("1767225600"), at(BAMBOO_TS + 301))
        .unwrap_err();
    assert_eq!(stale.reason_code(), "stale_timestamp");
    let missing = v.verify(
        post(body).with_header("X-BambooHR-Signature", python),
        at(BAMBOO_TS),
    );
    assert_eq!(
        missing.err(),
        Some(Rejection::missing("x-bamboohr-timestamp"))
    );
}

#[test]
fn hibob_signs_the_body_with_sha512_in_base64() {
    let v = preset("hibob", "bob-signing-secret");
    let body = r#"{"type":"employee.updated","employee":{"id":"3332883884017713238"}}"#;
    // python3: base64(hmac.new(b"bob-signing-secret", body, sha512).digest())
    let python =
        "yyB6Hfgmb7/NXi1c7GQWOF0VJFl69DCOZO/xbRIioKJJS3JHTDcEo542+IhW6/I9D7EDjiyB0y8rLWRnSq5BGw==";
    assert_verifies_and_tamper_fails(&v, body, &[("Bob-Signature", python)], 0);

    let other = r#"{"type":"employee.left"}"#;
    let ours = STANDARD.encode(hmac_sha512("bob-signing-secret", other));
    assert!(
        v.verify(post(other).with_header("bob-signature", ours), at(0))
            .is_ok()
    );
}

#[test]
fn greenhouse_prefixes_the_hex_with_sha256_and_a_space() {
    let v = preset("greenhouse", "greenhouse-secret-key");
    let body = r#"{"action":"hire_candidate","payload":{}}"#;
    // openssl dgst -sha256 -hmac greenhouse-secret-key (and python3's hmac) agree on this.
    let python = "sha256 403101c4f41c9da57a4140bf699b20cb2ffc056d52c4356ec402367a23cc1f31";
    assert_verifies_and_tamper_fails(&v, body, &[("Signature", python)], 0);

    let other = r#"{"action":"ping"}"#;
    let ours = format!(
        "sha256 {}",
        hex::encode(hmac_sha256("greenhouse-secret-key", &[other]))
    );
    assert!(
        v.verify(post(other).with_header("signature", &ours), at(0))
            .is_ok()
    );
    let bare = ours.trim_start_matches("sha256 ").to_owned();
    let err = v
        .verify(post(other).with_header("signature", bare), at(0))
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "malformed signature header: expected 'sha256 <hex>'"
    );
}

#[test]
fn gusto_signs_the_body_in_hex_with_the_verification_token() {
    let v = preset("gusto", "gusto-verification-token");
    let body = r#"{"event_type":"employee.terminated","entity_uuid":"9f4c2f5e-4d8a-4a47-9b3c-2f0e1a7c6b11"}"#;
    let python = "fe825a18bc46f08e86d0ac1854c36118aad14fd5f2016bdb97ad844326aee55a";
    assert_verifies_and_tamper_fails(&v, body, &[("X-Gusto-Signature", python)], 0);

    let other = r#"{"event_type":"company.updated"}"#;
    let ours = hex::encode_upper(hmac_sha256("gusto-verification-token", &[other]));
    assert!(
        v.verify(post(other).with_header("x-gusto-signature", ours), at(0))
            .is_ok()
    );
}

#[test]
fn deel_signs_the_method_then_the_body() {
    let v = preset("deel", "deel-signing-key");
    let body = r#"{"data":{"meta":{"event_type":"contract.terminated"}}}"#;
    // python3: hmac.new(b"deel-signing-key", b"POST" + body, sha256).hexdigest()
    let python = "18918da80c0bcca46b2ad92645acb3d76110c03d1589e1a977b410b58007e40c";
    assert_verifies_and_tamper_fails(&v, body, &[("x-deel-signature", python)], 0);

    let as_put = UnverifiedWebhook::new(Method::PUT, body).with_header("x-deel-signature", python);
    assert_eq!(
        v.verify(as_put, at(0)).unwrap_err().reason_code(),
        "bad_signature"
    );

    let other = r#"{"data":{}}"#;
    let ours = hex::encode(hmac_sha256("deel-signing-key", &["POST", other]));
    assert!(
        v.verify(post(other).with_header("X-Deel-Signature", ours), at(0))
            .is_ok()
    );
}

#[test]
fn a_preset_field_can_be_overridden() {
    // Gusto's convention, but the sender was set up to use another header.
    let v = verifier(
        "scheme = \"hmac\"\npreset = \"gusto\"\nsignature_header = \"X-Relay-Signature\"\nsecrets = [{ secret = \"gusto-verification-token\" }]",
    );
    let body = r#"{"event_type":"employee.terminated","entity_uuid":"9f4c2f5e-4d8a-4a47-9b3c-2f0e1a7c6b11"}"#;
    let python = "fe825a18bc46f08e86d0ac1854c36118aad14fd5f2016bdb97ad844326aee55a";
    assert!(
        v.verify(post(body).with_header("x-relay-signature", python), at(0))
            .is_ok()
    );
    let err = v
        .verify(post(body).with_header("x-gusto-signature", python), at(0))
        .unwrap_err();
    assert_eq!(err, Rejection::missing("x-relay-signature"));
}

#[test]
fn an_unknown_preset_names_the_key_and_the_known_ones() {
    let err =
        build_error("scheme = \"hmac\"\npreset = \"workday\"\nsecrets = [{ secret = \"x\" }]");
    assert!(
        err.starts_with("sources.test.verification.preset:"),
        "{err}"
    );
    assert!(err.contains("greenhouse"), "{err}");
}
