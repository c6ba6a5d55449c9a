use super::*;

const RSA_JWK: &str =
    include_str!("../../../../../tests/fixtures/identity/rsa-signing-key.jwk.json");

#[test]
fn a_key_set_keeps_only_public_signing_keys() {
    let rsa: serde_json::Value = serde_json::from_str(RSA_JWK).unwrap();
    let mut encrypting = rsa.clone();
    encrypting["use"] = "enc".into();
    encrypting["kid"] = "rsa-enc".into();
    let document = serde_json::json!({"keys": [
        {"kty": "oct", "kid": "hs", "k": "c2VjcmV0"},
        {"kty": "unknown", "kid": "future"},
        encrypting,
        rsa,
    ]});
    let keys = parse(document.to_string().as_bytes(), "test").unwrap();
    let kids: Vec<_> = keys.iter().map(|k| k.kid.as_deref()).collect();
    assert_eq!(kids, [Some("rsa-2026")]);
}

#[test]
fn a_key_set_without_a_usable_key_is_an_error() {
    let error = parse(
        br#"{"keys": [{"kty": "oct", "k": "c2VjcmV0"}]}"#,
        "jwks.json",
    )
    .expect_err("no usable key");
    assert_eq!(
        error.to_string(),
        "the JWKS at jwks.json holds no RSA or EC signing key"
    );
    let error = parse(b"<html>", "jwks.json").expect_err("not JSON");
    assert!(matches!(error, KeysError::Unreadable { .. }), "{error}");
}
