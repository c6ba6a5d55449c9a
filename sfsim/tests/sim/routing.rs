//! What paths answer: versions, unknown resources, wrong methods, oversized bodies.

use reqwest::{Method, StatusCode};
use serde_json::json;
use sfsim::SimConfig;

use crate::support::{self, Answer};

fn not_found() -> serde_json::Value {
    json!([{"message": "The requested resource does not exist", "errorCode": "NOT_FOUND"}])
}

#[tokio::test]
async fn the_version_list_needs_no_session() {
    let org = support::start().await;
    for path in ["/services/data", "/services/data/"] {
        let response = org.http.get(org.url(path)).send().await.unwrap();
        let answer = Answer::read(response).await;
        assert_eq!(answer.status, StatusCode::OK);
        assert!(answer.body.as_array().is_some_and(|v| !v.is_empty()));
        assert!(answer.limit_info().is_none());
    }
}

#[tokio::test]
async fn unknown_paths_answer_salesforces_not_found() {
    let org = support::start().await;
    for path in [
        "/",
        "/services",
        "/services/apexrest/x",
        "/favicon.ico",
        "/services/data/v68.0x",
    ] {
        let response = org.http.get(org.url(path)).send().await.unwrap();
        let answer = Answer::read(response).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(answer.body, not_found(), "{path}");
    }
}

#[tokio::test]
async fn versions_salesforce_does_not_have_are_not_found_even_with_a_session() {
    let org = support::start().await;
    let token = org.token().await;
    for version in ["v45.0", "v69.0", "v68.1", "vlatest", "v"] {
        let response = org
            .http
            .get(org.url(&format!("/services/data/{version}/limits")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        let answer = Answer::read(response).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{version}");
        assert_eq!(answer.body, not_found(), "{version}");
    }
    let oldest = org
        .http
        .get(org.url("/services/data/v46.0/limits"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(oldest.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_unknown_data_path_is_not_found_after_the_session_check() {
    let org = support::start().await;
    let anonymous = org
        .http
        .get(org.data_url("/no/such/thing"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let client = org.client().await;
    let answer = client.get("/no/such/thing").await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.body, not_found());
}

#[tokio::test]
async fn a_method_a_resource_does_not_take_is_refused_in_salesforces_shape() {
    let org = support::start().await;
    let client = org.client().await;
    let answer = client.send(Method::DELETE, "/limits", None).await;
    assert_eq!(answer.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(answer.error_code(), Some("METHOD_NOT_ALLOWED"));
    assert_eq!(
        answer.body[0]["message"],
        "HTTP Method 'DELETE' not allowed."
    );
    assert!(answer.limit_info().is_some());
}

#[tokio::test]
async fn a_body_over_the_size_limit_is_refused_before_any_handler() {
    let org = support::start_with(SimConfig {
        max_body_bytes: 1024,
        ..SimConfig::default()
    })
    .await;
    let client = org.client().await;
    let big = json!({"Description": "x".repeat(2048)});
    let answer = client.post("/limits", big).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(answer.error_code(), Some("EXCEEDED_MAX_SIZE_REQUEST"));
    // Refused before counting.
    assert_eq!(answer.limit_info(), Some("api-usage=0/100000"));
}

#[tokio::test]
async fn a_stopped_org_no_longer_answers() {
    let org = support::start().await;
    let url = org.url("/services/data");
    let http = org.http.clone();
    assert!(http.get(&url).send().await.is_ok());
    org.handle.stop().await;
    let fresh = support::http_client();
    assert!(fresh.get(&url).send().await.is_err());
}
