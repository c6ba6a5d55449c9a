//! Both token flows, refusals that name the fix, and renewal after expiry or revocation.

use std::sync::Arc;

use gatehouse::clock::{Clock, ManualClock, SystemClock};
use gatehouse::config::salesforce::ApiReserve;
use gatehouse::salesforce::{AuthError, CallError, Credentials, Disposition, SalesforceClient};
use reqwest::Method;
use secrecy::SecretString;
use serde_json::json;

use super::*;

fn dev_key() -> SecretString {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/sfsim/fixtures/keys/gatehouse-dev.key"
    );
    SecretString::from(std::fs::read_to_string(path).expect("test key"))
}

fn jwt_client(org: &SimHandle, username: &str, clock: Arc<dyn Clock>) -> SalesforceClient {
    let credentials = Credentials::jwt_bearer(CLIENT_ID, username, &dev_key()).expect("key");
    SalesforceClient::new(
        &org.login_url,
        credentials,
        options(ApiReserve::Calls(0)),
        clock,
    )
    .expect("client builds")
}

/// The OAuth error code of a refusal.
fn refused_code(error: AuthError) -> String {
    match error {
        AuthError::Refused { error, .. } => error,
        other => panic!("expected a refusal, got {other}"),
    }
}

#[tokio::test]
async fn client_credentials_get_a_token_and_calls_go_to_the_instance() {
    let org = start_org().await;
    let client = client(&org);
    let limits = client.limits().await.expect("limits");
    assert!(limits.daily_api_requests.is_some());
    assert_eq!(client.identity().await.unwrap().instance_url, org.base_url);
    assert_eq!(client.token_requests(), 1);
}

#[tokio::test]
async fn jwt_bearer_authenticates_as_the_integration_user() {
    let org = start_org().await;
    let client = jwt_client(&org, INTEGRATION_USER, Arc::new(SystemClock));
    client
        .limits()
        .await
        .expect("limits with a JWT-bearer token");
    assert_eq!(client.token_requests(), 1);
}

#[tokio::test]
async fn an_unknown_user_is_refused_with_the_pre_authorisation_hint() {
    let org = start_org().await;
    let client = jwt_client(&org, "nobody@gatehouse.sfsim", Arc::new(SystemClock));
    let err = client.authenticate().await.unwrap_err();
    let message = err.to_string();
    assert!(
        message.contains("user hasn't approved this consumer"),
        "{message}"
    );
    assert!(message.contains("pre-authorize"), "{message}");
    assert_eq!(err.disposition(), Disposition::Permanent);
    assert_eq!(refused_code(err), "invalid_grant");
}

#[tokio::test]
async fn a_skewed_clock_is_named_when_the_assertion_arrives_expired() {
    let org = start_org().await;
    let an_hour_ago = ManualClock::new(chrono::Utc::now() - chrono::TimeDelta::hours(1));
    let client = jwt_client(&org, INTEGRATION_USER, an_hour_ago.shared());
    let message = client.authenticate().await.unwrap_err().to_string();
    assert!(message.contains("clock"), "{message}");
}

#[tokio::test]
async fn a_wrong_secret_names_the_secret_and_no_data_call_is_made() {
    let org = start_org().await;
    let credentials = Credentials::ClientCredentials {
        client_id: CLIENT_ID.to_owned(),
        client_secret: SecretString::from("not-the-secret"),
    };
    let client = SalesforceClient::new(
        &org.login_url,
        credentials,
        options(ApiReserve::Calls(0)),
        Arc::new(SystemClock),
    )
    .unwrap();
    let err = client.limits().await.unwrap_err();
    let CallError::Auth(auth) = &err else {
        panic!("expected an auth error, got {err}");
    };
    assert!(auth.to_string().contains("client_secret"), "{auth}");
    assert!(!auth.to_string().contains("not-the-secret"), "{auth}");
    assert_eq!(counted(&org).await.data_calls, 0);
    assert_eq!(client.calls_sent(), 0);
}

#[tokio::test]
async fn a_token_expired_mid_run_is_renewed_once_and_the_call_retried() {
    let org = start_org().await;
    let client = client(&org);
    client.limits().await.expect("first call");
    // Two hours and a bit later every token issued before has expired.
    control(
        &org,
        Method::PUT,
        "/clock",
        json!({"advance_seconds": 7_300}),
    )
    .await;
    client
        .limits()
        .await
        .expect("the call after expiry succeeds");
    assert_eq!(client.token_requests(), 2, "one renewal");
    let log = control(&org, Method::GET, "/requests", serde_json::Value::Null).await;
    let statuses: Vec<u64> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["path"].as_str().is_some_and(|p| p.contains("/limits")))
        .filter_map(|e| e["status"].as_u64())
        .collect();
    assert_eq!(
        statuses,
        [200, 401, 200],
        "the expired call was refused and retried once"
    );
}

#[tokio::test]
async fn concurrent_callers_share_one_renewal_after_revocation() {
    let org = start_org().await;
    let client = client(&org);
    client.authenticate().await.unwrap();
    control(&org, Method::POST, "/tokens/revoke", json!({"all": true})).await;
    let calls: Vec<_> = (0..8)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.limits().await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().expect("every caller succeeds");
    }
    assert_eq!(
        client.token_requests(),
        2,
        "one renewal for all eight callers"
    );
}

#[tokio::test]
async fn a_session_refused_again_after_renewal_is_reported_not_retried_forever() {
    let org = start_org().await;
    let client = client(&org);
    script(
        &org,
        json!({"path": "/limits", "errorCode": "INVALID_SESSION_ID", "count": 3}),
    )
    .await;
    let err = client.limits().await.unwrap_err();
    assert_eq!(err.disposition(), Disposition::Session);
    assert_eq!(client.token_requests(), 2);
    assert_eq!(
        counted(&org).await.endpoint("GET /limits"),
        2,
        "the call and one retry"
    );
}

#[tokio::test]
async fn a_failing_token_endpoint_is_transient() {
    let org = start_org().await;
    script(
        &org,
        json!({"path": "/services/oauth2/token", "status": 503}),
    )
    .await;
    let client = client(&org);
    let err = client.authenticate().await.unwrap_err();
    assert_eq!(err.disposition(), Disposition::Transient, "{err}");
    client
        .authenticate()
        .await
        .expect("the next request gets a token");
}
