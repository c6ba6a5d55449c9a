use super::*;
use crate::clock::ManualClock;

fn dev_key() -> SecretString {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/sfsim/fixtures/keys/gatehouse-dev.key"
    );
    SecretString::from(std::fs::read_to_string(path).unwrap())
}

/// The form an authenticator would post, and the claims of its assertion (read without
/// checking the signature: the simulated org's tests check that).
fn assertion_of(auth: &Authenticator) -> (jsonwebtoken::Header, serde_json::Value) {
    let form = auth.form().unwrap();
    assert_eq!(form[0], ("grant_type", JWT_BEARER_GRANT.to_owned()));
    let mut validation = jsonwebtoken::Validation::new(Algorithm::RS256);
    validation.insecure_disable_signature_validation();
    validation.validate_exp = false;
    validation.validate_aud = false;
    let token = jsonwebtoken::decode::<serde_json::Value>(
        &form[1].1,
        &jsonwebtoken::DecodingKey::from_secret(b"unused"),
        &validation,
    )
    .unwrap();
    (token.header, token.claims)
}

#[test]
fn the_assertion_names_app_user_and_login_host_and_expires_within_three_minutes() {
    let clock = ManualClock::at_unix_seconds(1_800_000_000);
    let credentials =
        Credentials::jwt_bearer("3MVG9app", "integration@example.com", &dev_key()).unwrap();
    let auth = Authenticator::new(
        reqwest::Client::new(),
        "https://login.salesforce.com/",
        credentials,
        clock.shared(),
    );
    let (header, claims) = assertion_of(&auth);
    assert_eq!(header.alg, Algorithm::RS256);
    assert_eq!(claims["iss"], "3MVG9app");
    assert_eq!(claims["sub"], "integration@example.com");
    assert_eq!(claims["aud"], "https://login.salesforce.com");
    let exp = claims["exp"].as_i64().unwrap();
    assert!(exp > 1_800_000_000 && exp <= 1_800_000_000 + 180, "{exp}");
}

#[test]
fn a_configured_audience_replaces_the_login_url_in_the_assertion() {
    let credentials = Credentials::jwt_bearer("app", "user", &dev_key())
        .unwrap()
        .with_audience(Some("https://test.salesforce.com/".into()));
    let auth = Authenticator::new(
        reqwest::Client::new(),
        "https://acme--uat.sandbox.my.salesforce.com",
        credentials,
        ManualClock::at_unix_seconds(0).shared(),
    );
    assert_eq!(assertion_of(&auth).1["aud"], "https://test.salesforce.com");
}

/// The audience of an assertion for `login_url`, with the audience the credentials name.
fn audience_for(login_url: &str, configured: Option<&str>) -> serde_json::Value {
    let credentials = Credentials::jwt_bearer("app", "user", &dev_key())
        .unwrap()
        .with_audience(configured.map(str::to_owned));
    let auth = Authenticator::new(
        reqwest::Client::new(),
        login_url,
        credentials,
        ManualClock::at_unix_seconds(0).shared(),
    );
    assertion_of(&auth).1["aud"].clone()
}

#[test]
fn a_my_domain_login_url_gives_the_production_audience_not_itself() {
    assert_eq!(
        audience_for("https://acme.my.salesforce.com", None),
        "https://login.salesforce.com"
    );
}

#[test]
fn a_sandbox_login_url_gives_the_sandbox_audience() {
    for login_url in [
        "https://test.salesforce.com",
        "https://acme--uat.sandbox.my.salesforce.com/",
    ] {
        assert_eq!(
            audience_for(login_url, None),
            "https://test.salesforce.com",
            "{login_url}"
        );
    }
}

#[test]
fn a_configured_site_audience_wins_over_the_derived_one() {
    assert_eq!(
        audience_for(
            "https://acme.my.salesforce.com",
            Some("https://acme.my.site.com/partners")
        ),
        "https://acme.my.site.com/partners"
    );
}

#[test]
fn client_credentials_post_the_id_and_secret() {
    let auth = Authenticator::new(
        reqwest::Client::new(),
        "https://acme.my.salesforce.com",
        Credentials::ClientCredentials {
            client_id: "app".into(),
            client_secret: SecretString::from("s3cret"),
        },
        ManualClock::at_unix_seconds(0).shared(),
    );
    let form = auth.form().unwrap();
    assert_eq!(
        form,
        [
            ("grant_type", "client_credentials".to_owned()),
            ("client_id", "app".to_owned()),
            ("client_secret", "s3cret".to_owned())
        ]
    );
}

#[test]
fn debug_never_shows_secrets() {
    let creds = Credentials::ClientCredentials {
        client_id: "app".into(),
        client_secret: SecretString::from("hunter2-secret"),
    };
    assert!(!format!("{creds:?}").contains("hunter2"));
    let jwt = Credentials::jwt_bearer("app", "user", &dev_key()).unwrap();
    assert!(!format!("{jwt:?}").contains("PRIVATE"));
    let session = Session {
        access_token: SecretString::from("00Dxx!token-value"),
        instance_url: "https://acme.my.salesforce.com".into(),
        identity: String::new(),
        generation: 1,
    };
    assert!(!format!("{session:?}").contains("token-value"));
}

fn authenticator(login_url: &str) -> Authenticator {
    let credentials = Credentials::jwt_bearer("app", "user", &dev_key()).unwrap();
    Authenticator::new(
        reqwest::Client::new(),
        login_url,
        credentials,
        ManualClock::at_unix_seconds(0).shared(),
    )
}

fn grant(instance_url: &str) -> Vec<u8> {
    serde_json::json!({"access_token": "00Dx!token", "instance_url": instance_url, "id": "x"})
        .to_string()
        .into_bytes()
}

#[test]
fn a_plain_http_instance_url_is_refused_unless_the_login_url_is_loopback() {
    let remote = authenticator("https://login.salesforce.com");
    let refused = remote
        .session_of(&grant("http://acme.my.salesforce.com"), 1)
        .unwrap_err();
    let message = crate::report::chain(&refused).to_string();
    assert!(message.contains("is plain http"), "{message}");
    assert!(!message.contains("00Dx!token"), "{message}");
    let https = remote
        .session_of(&grant("https://acme.my.salesforce.com/"), 1)
        .unwrap();
    assert_eq!(https.instance_url, "https://acme.my.salesforce.com");

    let local = authenticator("http://127.0.0.1:8443");
    let session = local
        .session_of(&grant("http://127.0.0.1:8443"), 1)
        .unwrap();
    assert_eq!(session.instance_url, "http://127.0.0.1:8443");
}
