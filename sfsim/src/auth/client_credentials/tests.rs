use super::same_secret;

#[test]
fn secrets_match_only_when_identical() {
    assert!(same_secret(b"abc", b"abc"));
    assert!(!same_secret(b"abc", b"abd"));
    assert!(!same_secret(b"abc", b"ab"));
    assert!(!same_secret(b"abc", b"abcd"));
    assert!(!same_secret(b"", b"x"));
}
