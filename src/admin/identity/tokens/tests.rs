use super::*;

fn config(text: &str) -> AdminConfig {
    toml::from_str(text).expect("parses")
}

const TWO_OPERATORS: &str = r#"
    token = "quickstart-admin-token"
    [[operators]]
    name = "alice"
    token = "alice-token-0123456789"
    role = "operator"
    [[operators]]
    name = "bob"
    # printf %s bob-token-0123456789 | sha256sum
    token_sha256 = "BOB_SHA"
    role = "approver"
"#;

fn two_operators() -> NamedTokens {
    let bob = hex::encode(Sha256::digest(b"bob-token-0123456789"));
    NamedTokens::from_config(&config(&TWO_OPERATORS.replace("BOB_SHA", &bob))).unwrap()
}

#[test]
fn each_token_is_its_operator_with_their_role() {
    let tokens = two_operators();
    let found = |token: &[u8]| tokens.find(token).map(|o| (o.actor, o.roles));
    assert_eq!(
        found(b"quickstart-admin-token"),
        Some(("admin".into(), vec![Role::Admin]))
    );
    assert_eq!(
        found(b"alice-token-0123456789"),
        Some(("alice".into(), vec![Role::Operator]))
    );
    assert_eq!(
        found(b"bob-token-0123456789"),
        Some(("bob".into(), vec![Role::Approver]))
    );
}

#[test]
fn only_the_exact_token_matches() {
    let tokens = two_operators();
    for near in [
        &b"alice-token-012345678"[..],
        b"alice-token-0123456789 ",
        b"Alice-token-0123456789",
        b"",
        b"bob",
    ] {
        assert_eq!(tokens.find(near), None, "{}", String::from_utf8_lossy(near));
    }
}

#[test]
fn two_operators_may_not_share_a_token() {
    let error = NamedTokens::from_config(&config(
        r#"
        token = "alice-token-0123456789"
        [[operators]]
        name = "alice"
        token = "alice-token-0123456789"
        role = "operator"
        "#,
    ))
    .expect_err("refused");
    assert_eq!(
        error.to_string(),
        "alice has the same token as admin; give every operator a token of their own"
    );
}

#[test]
fn debug_output_never_shows_a_token() {
    let printed = format!("{:?}", two_operators());
    assert!(!printed.contains("token-0123"), "{printed}");
    assert!(printed.contains("alice"), "{printed}");
}
