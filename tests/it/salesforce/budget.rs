//! The reserve: calls wait at the gate instead of spending what other integrations need.

use gatehouse::config::salesforce::ApiReserve;
use gatehouse::salesforce::{CallError, CallMeter, Disposition, Halt};
use serde_json::json;

use super::*;

/// Waits until `condition` holds, looking again every few milliseconds. The bound is only
/// there so a broken gate fails the test instead of hanging it; nothing here measures time.
async fn until(mut condition: impl AsyncFnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(60);
    while !condition().await {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the condition never came"
        );
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
}

#[tokio::test]
async fn the_usage_header_feeds_the_budget() {
    let org = start_org().await;
    set_limits(&org, 5_000, 1_234).await;
    let client = client(&org);
    client.limits().await.unwrap();
    let usage = client.budget().usage.expect("usage read from the header");
    assert_eq!(usage.max, 5_000);
    assert_eq!(usage.used, 1_235, "this call counted");
}

#[tokio::test]
async fn calls_wait_at_the_reserve_and_go_when_the_window_frees_calls() {
    let org = start_org().await;
    set_limits(&org, 1_000, 985).await;
    let client = client_with(&org, options(ApiReserve::Calls(15)));
    client
        .limits()
        .await
        .expect("the first call learns the usage");
    assert!(!client.budget().open, "14 left, 15 kept back");

    let meter = CallMeter::new();
    let waiting = {
        let client = client.metered(&meter);
        tokio::spawn(async move {
            client
                .get_by_external_id("Account", KEY, "P-100", &["Id"])
                .await
        })
    };
    until(async || {
        assert!(
            !waiting.is_finished(),
            "the call went through the closed gate"
        );
        client.budget().waiting == 1
    })
    .await;
    // The gate polls the org's limits meanwhile; those polls are all the org sees.
    until(async || counted(&org).await.endpoint("GET /limits") >= 3).await;
    let by_key = "GET /sobjects/{type}/{field}/{value}";
    assert_eq!(
        counted(&org).await.endpoint(by_key),
        0,
        "the waiting call was not made"
    );
    assert_eq!(meter.calls(), 0);
    assert!(!waiting.is_finished());

    set_limits(&org, 1_000, 100).await; // the rolling window moved on
    waiting.await.unwrap().expect("the call goes through");
    assert_eq!(counted(&org).await.endpoint(by_key), 1);
    assert_eq!(
        meter.calls(),
        1,
        "the gate's polls are not the command's calls"
    );
    assert!(client.budget().open);
}

#[tokio::test]
async fn a_call_halted_while_it_waits_at_the_gate_is_never_sent() {
    let org = start_org().await;
    set_limits(&org, 1_000, 985).await;
    let client = client_with(&org, options(ApiReserve::Calls(15)));
    client
        .limits()
        .await
        .expect("the first call learns the usage");
    let meter = CallMeter::new();
    let halt = Halt::new();
    let waiting = {
        let client = client.metered(&meter).halted_by(&halt);
        tokio::spawn(async move {
            client
                .get_by_external_id("Account", KEY, "P-100", &["Id"])
                .await
        })
    };
    until(async || client.budget().waiting == 1).await;

    // The run lost its claim while its call waited for room.
    halt.throw();
    set_limits(&org, 1_000, 100).await;

    let error = waiting
        .await
        .unwrap()
        .expect_err("the halted call is not sent");
    assert!(matches!(error, CallError::Halted), "{error:?}");
    let by_key = "GET /sobjects/{type}/{field}/{value}";
    assert_eq!(counted(&org).await.endpoint(by_key), 0);
    assert_eq!(meter.calls(), 0);
    // The client itself, and views without the switch, go on calling.
    client.metered(&meter).limits().await.unwrap();
    assert_eq!(meter.calls(), 1);
}

#[tokio::test]
async fn request_limit_exceeded_slows_every_call_to_the_org() {
    let org = start_org().await;
    let client = client(&org);
    script(
        &org,
        json!({"path": "/limits", "errorCode": "REQUEST_LIMIT_EXCEEDED"}),
    )
    .await;
    let err = client.limits().await.unwrap_err();
    assert_eq!(err.disposition(), Disposition::RateLimited);
    assert!(client.budget().throttled);
    assert!(!client.budget().open);
    // The org has room (the refusal came from a script), so the gate's next poll reopens it
    // and a later call goes through.
    client
        .limits()
        .await
        .expect("the gate reopens once the org shows room");
    assert!(client.budget().open);
}

#[tokio::test]
async fn the_client_counts_exactly_what_the_org_counts() {
    let org = start_org().await;
    let client = client(&org);
    let meter = CallMeter::new();
    let metered = client.metered(&meter);
    for _ in 0..3 {
        metered.limits().await.unwrap();
    }
    script(&org, json!({"path": "/limits", "status": 503})).await;
    metered.limits().await.unwrap_err();
    control(
        &org,
        reqwest::Method::POST,
        "/tokens/revoke",
        json!({"all": true}),
    )
    .await;
    metered.limits().await.unwrap(); // refused once, renewed, retried: two calls
    assert_eq!(meter.calls(), 6);
    assert_eq!(client.calls_sent(), 6);
    assert_eq!(counted(&org).await.data_calls, 6);
}
