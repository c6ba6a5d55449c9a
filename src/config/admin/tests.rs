use super::*;

fn config(text: &str) -> AdminConfig {
    toml::from_str(text).expect("parses")
}

fn keys(config: &AdminConfig) -> Vec<String> {
    config.problems().into_iter().map(|(key, _)| key).collect()
}

#[test]
fn named_operators_with_a_token_or_its_digest_are_fine() {
    let admin = config(
        r#"
        token = "quickstart-admin-token-0123"
        [[operators]]
        name = "alice"
        token = "alice-token-0123456789"
        role = "operator"
        [[operators]]
        name = "bob.approver"
        token_sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
        role = "approver"
        "#,
    );
    assert_eq!(admin.problems(), Vec::new());
    assert!(admin.is_on());
    assert!(!AdminConfig::default().is_on());
}

#[test]
fn an_operator_needs_a_usable_unique_name_and_one_token() {
    let admin = config(
        r#"
        token = "quickstart-admin-token-0123"
        [[operators]]
        name = "admin"
        token = "another-token-0123456789"
        role = "viewer"
        [[operators]]
        name = "carol@example.com"
        token_sha256 = "not-hex"
        role = "viewer"
        [[operators]]
        name = "reclaim"
        role = "viewer"
        [[operators]]
        name = "dave"
        token = "short"
        role = "viewer"
        "#,
    );
    assert_eq!(
        keys(&admin),
        [
            "admin.operators[0].name",
            "admin.operators[1].name",
            "admin.operators[1].token_sha256",
            "admin.operators[2].name",
            "admin.operators[2]",
            "admin.operators[3].token",
        ]
    );
}

#[test]
fn an_unknown_role_is_refused_when_the_config_is_read() {
    let error = toml::from_str::<AdminConfig>(
        r#"
        [[operators]]
        name = "alice"
        token = "alice-token-0123456789"
        role = "root"
        "#,
    )
    .expect_err("an unknown role does not parse");
    assert!(error.to_string().contains("viewer"), "{error}");
}

#[test]
fn the_identity_provider_must_be_reached_over_https_unless_on_this_machine() {
    let admin = config(
        r#"
        [oidc]
        issuer = "http://idp.example.com/"
        audience = ""
        jwks_url = "http://idp.example.com/keys"
        refresh_seconds = 5
        leeway_seconds = 3600
        "#,
    );
    assert_eq!(
        keys(&admin),
        [
            "admin.oidc.issuer",
            "admin.oidc.audience",
            "admin.oidc.jwks_url",
            "admin.oidc.groups",
            "admin.oidc.refresh_seconds",
            "admin.oidc.leeway_seconds",
        ]
    );
    let local = config(
        r#"
        [oidc]
        issuer = "http://127.0.0.1:8123/realms/ops"
        audience = "gatehouse"
        jwks_url = "http://localhost:8123/keys"
        groups = { "gatehouse-admins" = "admin" }
        "#,
    );
    assert_eq!(local.problems(), Vec::new());
}

#[test]
fn exactly_one_source_of_keys() {
    let both = config(
        r#"
        [oidc]
        issuer = "https://idp.example.com/"
        audience = "gatehouse"
        jwks_url = "https://idp.example.com/keys"
        jwks_file = "/nonexistent/jwks.json"
        role_claim = "gatehouse_role"
        "#,
    );
    assert_eq!(keys(&both), ["admin.oidc.jwks_url"]);
    let missing_file = config(
        r#"
        [oidc]
        issuer = "https://idp.example.com/"
        audience = "gatehouse"
        jwks_file = "/nonexistent/jwks.json"
        role_claim = "gatehouse_role"
        "#,
    );
    assert_eq!(keys(&missing_file), ["admin.oidc.jwks_file"]);
}
