//! Each disposition, from a real answer of the simulated org.

use gatehouse::salesforce::{CallError, Disposition};
use serde_json::json;

use super::*;

/// Makes the next `/limits` call fail as scripted and returns what the client made of it.
async fn failure_of(script_body: serde_json::Value) -> CallError {
    let org = start_org().await;
    let client = client(&org);
    let mut body = script_body;
    body["path"] = json!("/limits");
    script(&org, body).await;
    client.limits().await.expect_err("the scripted failure")
}

#[tokio::test]
async fn maintenance_is_transient() {
    let err = failure_of(json!({"status": 503, "errorCode": "SERVER_UNAVAILABLE"})).await;
    assert_eq!(err.disposition(), Disposition::Transient);
    assert_eq!(err.salesforce().unwrap().status, Some(503));
}

#[tokio::test]
async fn a_row_lock_is_transient() {
    let err = failure_of(json!({"errorCode": "UNABLE_TO_LOCK_ROW"})).await;
    assert_eq!(err.disposition(), Disposition::Transient);
    assert_eq!(err.code(), "UNABLE_TO_LOCK_ROW");
    assert_eq!(
        err.refusal().message,
        "unable to obtain exclusive access to this record or 1 records"
    );
}

#[tokio::test]
async fn an_unknown_server_error_is_transient() {
    let err = failure_of(json!({"status": 500})).await;
    assert_eq!(err.disposition(), Disposition::Transient);
}

#[tokio::test]
async fn a_dropped_connection_is_transient() {
    let err = failure_of(json!({"kind": "drop"})).await;
    assert!(matches!(err, CallError::Unreachable { .. }), "{err}");
    assert_eq!(err.disposition(), Disposition::Transient);
}

#[tokio::test]
async fn a_spent_allowance_is_rate_limited() {
    let err = failure_of(json!({"errorCode": "REQUEST_LIMIT_EXCEEDED"})).await;
    assert_eq!(err.disposition(), Disposition::RateLimited);
    assert_eq!(err.salesforce().unwrap().status, Some(403));
}

#[tokio::test]
async fn no_free_licence_is_licence_exhausted() {
    let err = failure_of(json!({
        "errorCode": "LICENSE_LIMIT_EXCEEDED",
        "message": "License Limit Exceeded"
    }))
    .await;
    assert_eq!(err.disposition(), Disposition::LicenceExhausted);
}

#[tokio::test]
async fn a_validation_error_is_permanent_and_kept_verbatim() {
    let err = failure_of(json!({
        "errorCode": "DUPLICATE_USERNAME",
        "message": "Duplicate Username.<br>Another user has already selected this username.",
        "fields": ["Username"]
    }))
    .await;
    assert_eq!(err.disposition(), Disposition::Permanent);
    let refusal = err.refusal();
    assert_eq!(refusal.code, "DUPLICATE_USERNAME");
    assert_eq!(
        refusal.message,
        "Duplicate Username.<br>Another user has already selected this username."
    );
    assert_eq!(refusal.fields, ["Username"]);
    assert_eq!(refusal.status, Some(400));
}

#[tokio::test]
async fn an_expired_session_that_stays_refused_is_a_session_error() {
    let err = failure_of(json!({"errorCode": "INVALID_SESSION_ID", "count": 2})).await;
    assert_eq!(err.disposition(), Disposition::Session);
    assert_eq!(err.salesforce().unwrap().status, Some(401));
}
