//! From configuration to a connection: the simulated org in-process, or a remote org by its
//! login URL and credentials, and never the one in place of the other.

use gatehouse::clock::SystemClock;
use gatehouse::config::SalesforceConfig;
use gatehouse::salesforce::{ConnectError, connect};

use super::*;

fn parse(text: &str) -> SalesforceConfig {
    toml::from_str(text).expect("valid [salesforce] table")
}

/// A remote org reached by the JWT bearer flow with the development key, at `login_url`, with
/// `extra` lines for the `[auth]` table.
fn jwt_bearer(login_url: &str, extra: &str) -> SalesforceConfig {
    let key = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/sfsim/fixtures/keys/gatehouse-dev.key"
    );
    parse(&format!(
        r#"
        org = "remote"
        login_url = "{login_url}"
        [auth]
        flow = "jwt-bearer"
        client_id = "{CLIENT_ID}"
        username = "{INTEGRATION_USER}"
        private_key = {{ file = "{key}" }}
        {extra}
        "#
    ))
}

#[tokio::test]
async fn the_simulated_org_starts_in_process_and_is_connected() {
    let config = parse("org = \"simulated\"");
    let connection = connect(&config, Arc::new(SystemClock))
        .await
        .expect("connects");
    let org = connection.simulated().expect("a simulated org was started");
    assert!(org.base_url.starts_with("http://127.0.0.1:"));
    connection
        .client()
        .limits()
        .await
        .expect("the client talks to it");
    assert_eq!(
        connection.client().identity().await.unwrap().instance_url,
        org.base_url
    );
    connection.close().await;
}

#[tokio::test]
async fn a_remote_org_is_reached_by_login_url_and_client_credentials() {
    let org = start_org().await;
    let config = parse(&format!(
        r#"
        org = "remote"
        login_url = "{}"
        [auth]
        flow = "client-credentials"
        client_id = "{CLIENT_ID}"
        client_secret = "{CLIENT_SECRET}"
        "#,
        org.login_url
    ));
    let connection = connect(&config, Arc::new(SystemClock))
        .await
        .expect("connects");
    assert!(
        connection.simulated().is_none(),
        "nothing started for a remote org"
    );
    connection.client().limits().await.unwrap();
    assert_eq!(counted(&org).await.data_calls, 1);
}

#[tokio::test]
async fn a_remote_org_is_reached_by_jwt_bearer_with_a_key_file() {
    let org = start_org().await;
    let config = jwt_bearer(&org.login_url, "");
    let connection = connect(&config, Arc::new(SystemClock))
        .await
        .expect("connects");
    connection.client().limits().await.unwrap();
}

/// The simulated org's own URL plays its My Domain, which Salesforce refuses as a JWT
/// audience: with no `audience` configured, the assertion must carry the production login
/// host rather than the login URL.
#[tokio::test]
async fn jwt_bearer_through_a_my_domain_login_url_needs_no_audience() {
    let org = start_org().await;
    let config = jwt_bearer(&org.base_url, "");
    assert!(config.problems().is_empty(), "{:?}", config.problems());
    let connection = connect(&config, Arc::new(SystemClock))
        .await
        .expect("authenticates with the derived audience");
    connection.client().limits().await.unwrap();
}

/// A My Domain URL configured as the audience is refused by the org, with the fix named.
#[tokio::test]
async fn a_my_domain_audience_is_refused_and_the_hint_says_to_leave_it_unset() {
    let org = start_org().await;
    let audience = format!("audience = \"{}\"", org.base_url);
    let config = jwt_bearer(&org.base_url, &audience);
    let err = connect(&config, Arc::new(SystemClock))
        .await
        .err()
        .expect("refused");
    let message = gatehouse::report::chain(&err).to_string();
    assert!(message.contains("audience is invalid"), "{message}");
    assert!(message.contains("leave audience unset"), "{message}");
}

#[tokio::test]
async fn an_unreachable_remote_org_is_an_error_never_a_simulated_one() {
    // A port that was free a moment ago: nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = parse(&format!(
        r#"
        org = "remote"
        login_url = "http://127.0.0.1:{port}"
        [auth]
        flow = "client-credentials"
        client_id = "x"
        client_secret = "y"
        "#
    ));
    let err = connect(&config, Arc::new(SystemClock))
        .await
        .err()
        .expect("no connection");
    assert!(matches!(err, ConnectError::Auth(_)), "{err}");
    assert!(err.to_string().contains("could not be reached"), "{err}");
}

#[tokio::test]
async fn a_key_that_is_not_a_key_is_named_at_start_up() {
    let config = parse(
        r#"
        org = "remote"
        login_url = "https://login.salesforce.com"
        [auth]
        flow = "jwt-bearer"
        client_id = "x"
        username = "y"
        private_key = "not a pem"
        "#,
    );
    let err = connect(&config, Arc::new(SystemClock))
        .await
        .err()
        .expect("refused");
    assert!(
        err.to_string().starts_with("salesforce.auth.private_key"),
        "{err}"
    );
}

#[tokio::test]
async fn the_quickstart_config_connects_to_its_own_simulated_org() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/quickstart.toml");
    // The file alone: the test suite's own GATEHOUSE_ variables are no config overrides.
    let text = std::fs::read_to_string(&path).expect("the quick start reads");
    let settings = gatehouse::config::Settings::from_toml(&text).expect("the quick start loads");
    let config = settings.salesforce.expect("the quick start names an org");
    let connection = connect(&config, Arc::new(SystemClock))
        .await
        .expect("connects");
    assert!(connection.simulated().is_some());
    let identity = connection.client().identity().await.unwrap();
    assert!(identity.user_id.is_some_and(|id| id.starts_with("005")));
    connection.close().await;
}
