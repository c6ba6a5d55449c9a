use super::*;

// HMAC-SHA256(key="key", "The quick brown fox jumps over the lazy dog"), the well-known
// example value, recomputed with `openssl dgst -sha256 -hmac key`.
const FOX_SHA256: &str = "f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8";

#[test]
fn a_known_hmac_matches_and_a_changed_message_does_not() {
    let tag = hex::decode(FOX_SHA256).unwrap();
    let msg: &[&[u8]] = &[b"The quick brown fox ", b"jumps over the lazy dog"];
    assert!(MacAlgorithm::Sha256.any_matches(b"key", msg, std::slice::from_ref(&tag)));
    let changed: &[&[u8]] = &[b"The quick brown fox jumps over the lazy cog"];
    assert!(!MacAlgorithm::Sha256.any_matches(b"key", changed, &[tag]));
}

#[test]
fn empty_and_truncated_candidates_never_match() {
    let tag = hex::decode(FOX_SHA256).unwrap();
    let msg: &[&[u8]] = &[b"The quick brown fox jumps over the lazy dog"];
    let candidates = vec![Vec::new(), tag[..16].to_vec(), tag[..1].to_vec()];
    assert!(!MacAlgorithm::Sha256.any_matches(b"key", msg, &candidates));
}

#[test]
fn credentials_compare_by_exact_bytes() {
    let tag = credential_tag(b"workday:s3cret");
    assert!(credential_matches(&tag, b"workday:s3cret"));
    assert!(!credential_matches(&tag, b"workday:s3cret\0"));
    assert!(!credential_matches(&tag, b"workday:s3cre"));
    assert!(!credential_matches(&tag, b""));
}
