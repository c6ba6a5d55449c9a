//! The daily API allowance, `Sforce-Limit-Info` and the limits resource.

use reqwest::{Method, StatusCode};
use serde_json::json;
use sfsim::SimConfig;

use crate::support;

#[tokio::test]
async fn every_data_answer_carries_the_usage_so_far() {
    let org = support::start().await;
    let client = org.client().await;
    let first = client.get("/limits").await;
    assert_eq!(first.limit_info(), Some("api-usage=1/100000"));
    let unknown = client.get("/no/such/resource").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.limit_info(), Some("api-usage=2/100000"));
    let third = client.get("/limits").await;
    assert_eq!(third.limit_info(), Some("api-usage=3/100000"));
}

#[tokio::test]
async fn calls_refused_for_want_of_a_session_do_not_count() {
    let org = support::start().await;
    let client = org.client().await;
    let stranger = org.client_with("00D000000000001!nope".to_owned());
    let refused = stranger.get("/limits").await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(refused.limit_info(), Some("api-usage=0/100000"));
    assert_eq!(
        client.get("/limits").await.limit_info(),
        Some("api-usage=1/100000")
    );
}

#[tokio::test]
async fn a_spent_allowance_answers_request_limit_exceeded_without_counting() {
    let org = support::start_with(SimConfig {
        daily_limit: Some(3),
        ..SimConfig::default()
    })
    .await;
    let client = org.client().await;
    for _ in 0..3 {
        assert_eq!(client.get("/limits").await.status, StatusCode::OK);
    }
    for _ in 0..2 {
        let refused = client.get("/limits").await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert_eq!(
            refused.body,
            json!([{"message": "TotalRequests Limit exceeded.", "errorCode": "REQUEST_LIMIT_EXCEEDED"}])
        );
        assert_eq!(refused.limit_info(), Some("api-usage=3/3"));
    }
}

#[tokio::test]
async fn the_window_rolls_calls_leave_it_a_day_after_they_were_made() {
    let org = support::start_with(SimConfig {
        daily_limit: Some(2),
        token_lifetime: std::time::Duration::from_secs(3 * 86_400),
        ..SimConfig::default()
    })
    .await;
    org.pin_clock().await;
    let client = org.client().await;
    client.get("/limits").await;
    org.advance_clock(12 * 3600).await;
    client.get("/limits").await;
    assert_eq!(client.get("/limits").await.status, StatusCode::FORBIDDEN);
    // The first call leaves the window; the second is still in it.
    org.advance_clock(12 * 3600 + 60).await;
    let answer = client.get("/limits").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.limit_info(), Some("api-usage=2/2"));
}

#[tokio::test]
async fn the_limits_resource_reports_the_daily_allowance_and_other_real_keys() {
    let org = support::start_with(SimConfig {
        daily_limit: Some(500),
        ..SimConfig::default()
    })
    .await;
    let client = org.client().await;
    client.get("/limits").await;
    let limits = client.get("/limits").await;
    assert_eq!(
        limits.body["DailyApiRequests"],
        json!({"Max": 500, "Remaining": 498})
    );
    for key in [
        "DataStorageMB",
        "FileStorageMB",
        "SingleEmail",
        "DailyBulkApiBatches",
    ] {
        assert!(limits.body[key]["Max"].is_number(), "{key}");
    }
}

#[tokio::test]
async fn control_sets_the_allowance_and_what_is_used_of_it() {
    let org = support::start().await;
    let client = org.client().await;
    let set = org
        .control(Method::PUT, "/limits", Some(json!({"max": 10, "used": 9})))
        .await;
    assert_eq!(set.status, StatusCode::OK);
    assert_eq!(set.body["remaining"], 1);
    assert_eq!(
        client.get("/limits").await.limit_info(),
        Some("api-usage=10/10")
    );
    assert_eq!(client.get("/limits").await.status, StatusCode::FORBIDDEN);
    let shown = org.control(Method::GET, "/limits", None).await;
    assert_eq!(shown.body["used"], 10);
    let bad = org
        .control(Method::PUT, "/limits", Some(json!({"maximum": 10})))
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.body["error"], "bad_request");
}
