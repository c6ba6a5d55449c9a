use super::*;

#[test]
fn only_the_exact_token_matches() {
    let token = AdminToken::new(&SecretString::from("quickstart-admin-token"));
    assert!(token.matches(b"quickstart-admin-token"));
    assert!(!token.matches(b"quickstart-admin-tokeN"));
    assert!(!token.matches(b"quickstart-admin-token "));
    assert!(!token.matches(b"quickstart"));
    assert!(!token.matches(b""));
}

#[test]
fn debug_output_never_shows_the_token() {
    let token = AdminToken::new(&SecretString::from("quickstart-admin-token"));
    let printed = format!("{token:?}");
    assert!(!printed.contains("quickstart"), "{printed}");
}
