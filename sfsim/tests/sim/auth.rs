//! The token endpoint (client credentials, JWT bearer, revoke) and the session check.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sfsim::SimConfig;

use crate::support::{self, Answer, TestOrg, assertion, epoch_now};

const INVALID_SESSION: &str =
    r#"[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]"#;

fn assert_refused(answer: &Answer, error: &str, description: &str) {
    assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{:?}", answer.body);
    assert_eq!(
        answer.body,
        json!({"error": error, "error_description": description})
    );
}

fn assert_invalid_session(answer: &Answer) {
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    let expected: Value = serde_json::from_str(INVALID_SESSION).unwrap();
    assert_eq!(answer.body, expected);
}

async fn jwt_request(org: &TestOrg, claims: Value) -> Answer {
    org.token_request(&[
        ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
        ("assertion", &assertion(&claims)),
    ])
    .await
}

fn claims(org: &TestOrg, sub: &str) -> Value {
    json!({
        "iss": org.certificate_app().client_id,
        "sub": sub,
        "aud": "https://login.salesforce.com",
        "exp": epoch_now() + 120,
    })
}

#[tokio::test]
async fn client_credentials_issue_a_token_for_the_run_as_user_that_opens_the_data_api() {
    let org = support::start().await;
    let app = org.secret_app();
    let answer = org.client_credentials().await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    let body = &answer.body;
    let org_id = org.sim().org.lock().org_id().to_owned();
    let user_id = org.user_id(&app.run_as);
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["instance_url"], org.handle.base_url.as_str());
    assert_eq!(
        body["id"],
        format!("{}/id/{org_id}/{user_id}", org.handle.base_url).as_str()
    );
    assert!(body["issued_at"].as_str().unwrap().parse::<i64>().is_ok());
    assert_eq!(body["signature"].as_str().unwrap().len(), 44);
    assert!(body.get("refresh_token").is_none());
    let token = body["access_token"].as_str().unwrap().to_owned();
    assert!(token.starts_with(&org_id[..15]));

    let limits = org.client_with(token).get("/limits").await;
    assert_eq!(limits.status, StatusCode::OK);
}

#[tokio::test]
async fn client_credentials_may_come_in_a_basic_header() {
    let org = support::start().await;
    let app = org.secret_app();
    let response = org
        .http
        .post(org.handle.token_url())
        .basic_auth(&app.client_id, app.client_secret.as_deref())
        .form(&[("grant_type", "client_credentials")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn client_credentials_with_an_unknown_client_or_a_wrong_secret_are_refused() {
    let org = support::start().await;
    let app = org.secret_app();
    let unknown = org
        .token_request(&[
            ("grant_type", "client_credentials"),
            ("client_id", "no-such-app"),
            ("client_secret", "x"),
        ])
        .await;
    assert_refused(&unknown, "invalid_client_id", "client identifier invalid");
    let wrong = org
        .token_request(&[
            ("grant_type", "client_credentials"),
            ("client_id", &app.client_id),
            ("client_secret", "not-the-secret"),
        ])
        .await;
    assert_refused(&wrong, "invalid_client", "invalid client credentials");
}

#[tokio::test]
async fn grant_types_other_than_the_two_server_flows_are_unsupported() {
    let org = support::start().await;
    for form in [
        vec![
            ("grant_type", "password"),
            ("username", "a"),
            ("password", "b"),
        ],
        vec![("grant_type", "refresh_token"), ("refresh_token", "x")],
        vec![],
    ] {
        let answer = org.token_request(&form).await;
        assert_refused(
            &answer,
            "unsupported_grant_type",
            "grant type not supported",
        );
    }
}

#[tokio::test]
async fn a_jwt_bearer_assertion_buys_a_token_for_its_subject() {
    let org = support::start().await;
    let user = org.secret_app().run_as;
    let answer = jwt_request(&org, claims(&org, &user)).await;
    assert_eq!(answer.status, StatusCode::OK, "{:?}", answer.body);
    let org_id = org.sim().org.lock().org_id().to_owned();
    assert_eq!(
        answer.body["id"],
        format!("{}/id/{org_id}/{}", org.handle.base_url, org.user_id(&user)).as_str()
    );
    assert!(answer.body.get("refresh_token").is_none());
    let token = answer.body["access_token"].as_str().unwrap().to_owned();
    assert_eq!(
        org.client_with(token).get("/limits").await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_production_and_sandbox_login_hosts_are_audiences() {
    let org = support::start().await;
    let user = org.secret_app().run_as;
    for aud in [
        "https://login.salesforce.com",
        "https://login.salesforce.com/",
        "https://test.salesforce.com",
    ] {
        let mut c = claims(&org, &user);
        c["aud"] = json!(aud);
        let answer = jwt_request(&org, c).await;
        assert_eq!(
            answer.status,
            StatusCode::OK,
            "aud {aud}: {:?}",
            answer.body
        );
    }
}

/// Salesforce refuses a My Domain URL as the audience; the simulated org's own URL is its
/// My Domain, so it is refused too.
#[tokio::test]
async fn a_my_domain_audience_is_refused_the_sims_own_url_included() {
    let org = support::start().await;
    let user = org.secret_app().run_as;
    for aud in [
        json!(org.handle.login_url.clone()),
        json!(format!("{}/", org.handle.base_url)),
        json!(
            org.handle
                .base_url
                .replace("://127.0.0.1:", "://localhost:")
        ),
        json!("https://acme.my.salesforce.com"),
        json!("https://acme--uat.sandbox.my.salesforce.com"),
        json!([org.handle.base_url.clone()]),
    ] {
        let mut c = claims(&org, &user);
        c["aud"] = aud.clone();
        let answer = jwt_request(&org, c).await;
        assert_refused(&answer, "invalid_grant", "audience is invalid");
    }
}

#[tokio::test]
async fn each_bad_assertion_gets_salesforces_own_refusal() {
    let org = support::start().await;
    let user = org.secret_app().run_as;
    let with = |change: &dyn Fn(&mut Value)| {
        let mut c = claims(&org, &user);
        change(&mut c);
        c
    };
    let cases: Vec<(&str, Value, &str, &str)> = vec![
        (
            "audience elsewhere",
            with(&|c| c["aud"] = json!("https://example.my.salesforce.com")),
            "invalid_grant",
            "audience is invalid",
        ),
        (
            "expired",
            with(&|c| c["exp"] = json!(epoch_now() - 10)),
            "invalid_grant",
            "expired authorization code",
        ),
        (
            "expiry more than three minutes ahead",
            with(&|c| c["exp"] = json!(epoch_now() + 600)),
            "invalid_grant",
            "invalid assertion",
        ),
        (
            "no expiry",
            with(&|c| {
                c.as_object_mut().unwrap().remove("exp");
            }),
            "invalid_grant",
            "invalid assertion",
        ),
        (
            "unknown subject",
            with(&|c| c["sub"] = json!("nobody@nowhere.example")),
            "invalid_grant",
            "user hasn't approved this consumer",
        ),
        (
            "unknown issuer",
            with(&|c| c["iss"] = json!("not-a-consumer-key")),
            "invalid_client_id",
            "client identifier invalid",
        ),
    ];
    for (case, claims, error, description) in cases {
        let answer = jwt_request(&org, claims).await;
        assert_eq!(
            answer.body,
            json!({"error": error, "error_description": description}),
            "{case}"
        );
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{case}");
    }
}

#[tokio::test]
async fn a_deactivated_subject_cannot_log_in() {
    let org = support::start_token_fixture().await;
    let mut c = claims(&org, "former@edge.sfsim");
    c["iss"] = json!("edge-test");
    let answer = jwt_request(&org, c).await;
    assert_refused(&answer, "invalid_grant", "inactive user");
}

async fn client_credentials_of(org: &TestOrg, client_id: &str, secret: &str) -> Answer {
    org.token_request(&[
        ("grant_type", "client_credentials"),
        ("client_id", client_id),
        ("client_secret", secret),
    ])
    .await
}

#[tokio::test]
async fn client_credentials_need_a_live_run_as_user_and_an_app_with_a_secret() {
    let org = support::start_token_fixture().await;
    let fine = client_credentials_of(&org, "edge-test", "edge-secret").await;
    assert_eq!(fine.status, StatusCode::OK, "{:?}", fine.body);
    let orphan = client_credentials_of(&org, "edge-orphan", "orphan-secret").await;
    assert_refused(
        &orphan,
        "invalid_grant",
        "no client credentials user enabled",
    );
    let retired = client_credentials_of(&org, "edge-retired", "retired-secret").await;
    assert_refused(&retired, "invalid_grant", "inactive user");
    let no_secret = client_credentials_of(&org, "edge-jwt-only", "anything").await;
    assert_refused(&no_secret, "invalid_client", "invalid client credentials");
}

#[tokio::test]
async fn an_app_without_a_certificate_cannot_use_the_jwt_flow() {
    let org = support::start_token_fixture().await;
    let mut c = claims(&org, "integration@edge.sfsim");
    c["iss"] = json!("edge-orphan");
    let answer = jwt_request(&org, c).await;
    assert_refused(&answer, "invalid_grant", "invalid assertion");
    let mut c = claims(&org, "integration@edge.sfsim");
    c["iss"] = json!("edge-jwt-only");
    assert_eq!(jwt_request(&org, c).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_tampered_unsigned_or_garbled_assertion_is_invalid() {
    let org = support::start().await;
    let user = org.secret_app().run_as;
    let good = assertion(&claims(&org, &user));
    let parts: Vec<&str> = good.split('.').collect();
    // Another payload under the original signature.
    let forged_payload = {
        use base64::Engine;
        let mut c = claims(&org, &user);
        c["exp"] = json!(epoch_now() + 170);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(c.to_string())
    };
    let tampered = format!("{}.{forged_payload}.{}", parts[0], parts[2]);
    let hs256 = jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims(&org, &user),
        &jsonwebtoken::EncodingKey::from_secret(b"shared"),
    )
    .unwrap();
    let unsigned = format!("{}.{}.", parts[0], parts[1]);
    for bad in [
        tampered,
        hs256,
        unsigned,
        "garbage".to_owned(),
        String::new(),
    ] {
        let answer = org
            .token_request(&[
                ("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"),
                ("assertion", &bad),
            ])
            .await;
        assert_refused(&answer, "invalid_grant", "invalid assertion");
    }
}

#[tokio::test]
async fn data_calls_without_a_token_or_with_a_wrong_one_are_invalid_sessions() {
    let org = support::start().await;
    let no_header = org.http.get(org.data_url("/limits")).send().await.unwrap();
    let answer = Answer::read(no_header).await;
    assert_invalid_session(&answer);
    for header in [
        "Bearer",
        "Bearer ",
        "Basic abc",
        "Bearer not-a-token",
        "token",
    ] {
        let response = org
            .http
            .get(org.data_url("/limits"))
            .header("Authorization", header)
            .send()
            .await
            .unwrap();
        assert_invalid_session(&Answer::read(response).await);
    }
}

#[tokio::test]
async fn the_older_oauth_scheme_is_accepted() {
    let org = support::start().await;
    let token = org.token().await;
    let response = org
        .http
        .get(org.data_url("/limits"))
        .header("Authorization", format!("OAuth {token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_token_expires_after_its_lifetime_on_the_simulated_clock() {
    let org = support::start_with(SimConfig {
        token_lifetime: std::time::Duration::from_secs(600),
        ..SimConfig::default()
    })
    .await;
    org.pin_clock().await;
    let client = org.client().await;
    org.advance_clock(599).await;
    assert_eq!(client.get("/limits").await.status, StatusCode::OK);
    org.advance_clock(1).await;
    assert_invalid_session(&client.get("/limits").await);
}

#[tokio::test]
async fn the_default_lifetime_is_two_hours() {
    let org = support::start().await;
    org.pin_clock().await;
    let client = org.client().await;
    org.advance_clock(2 * 3600 - 1).await;
    assert_eq!(client.get("/limits").await.status, StatusCode::OK);
    org.advance_clock(1).await;
    assert_invalid_session(&client.get("/limits").await);
}

#[tokio::test]
async fn a_token_revoked_through_the_oauth_endpoint_stops_working() {
    let org = support::start().await;
    let client = org.client().await;
    let response = org
        .http
        .post(org.url("/services/oauth2/revoke"))
        .form(&[("token", client.token.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_invalid_session(&client.get("/limits").await);
    // A second revoke of the same token: it is no longer a token.
    let again = org
        .http
        .post(org.url("/services/oauth2/revoke"))
        .form(&[("token", client.token.as_str())])
        .send()
        .await
        .unwrap();
    assert_refused(&Answer::read(again).await, "invalid_token", "invalid token");
}

#[tokio::test]
async fn control_revokes_one_token_or_all() {
    let org = support::start().await;
    let first = org.client().await;
    let second = org.client().await;
    let third = org.client().await;
    let one = org
        .control(
            Method::POST,
            "/tokens/revoke",
            Some(json!({"token": first.token})),
        )
        .await;
    assert_eq!(one.body, json!({"revoked": 1}));
    assert_invalid_session(&first.get("/limits").await);
    assert_eq!(second.get("/limits").await.status, StatusCode::OK);
    let all = org
        .control(Method::POST, "/tokens/revoke", Some(json!({"all": true})))
        .await;
    assert_eq!(all.body, json!({"revoked": 2}));
    assert_invalid_session(&second.get("/limits").await);
    assert_invalid_session(&third.get("/limits").await);
}
