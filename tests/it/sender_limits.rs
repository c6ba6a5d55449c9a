//! Senders' limits: a source over its rate is answered `429` with `Retry-After` before anything
//! is read or stored, and the other sources go on as before.

use crate::support::{PORTAL_SECRET, TestApp, problem, stored_events};

/// A second Standard Webhooks source with a small limit: two deliveries, then one a day.
fn limited_source() -> String {
    format!(
        r#"
[sources.noisy]
[sources.noisy.verification]
scheme = "standard-webhooks"
secrets = [{{ secret = "{PORTAL_SECRET}" }}]
[sources.noisy.limits]
rate_per_second = 0.00001
burst = 2
"#
    )
}

#[tokio::test]
async fn a_source_over_its_rate_gets_429_while_another_source_is_unaffected() {
    let app = TestApp::builder().config(&limited_source()).spawn().await;
    for i in 0..2 {
        let body = format!(r#"{{"n": {i}}}"#);
        let answer = app
            .signed_delivery("noisy", PORTAL_SECRET, &format!("msg_noisy_{i}"), &body)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 202, "within the burst");
    }
    let over = app
        .signed_delivery("noisy", PORTAL_SECRET, "msg_noisy_2", r#"{"n": 2}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(over.status(), 429);
    let retry_after: u64 = over.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(retry_after >= 1, "{retry_after}");
    assert!(
        over.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/problem+json")
    );
    let refused = problem(over).await;
    assert_eq!(refused["reason"], "rate_limited");
    assert_eq!(refused["type"], "urn:gatehouse:problem:rate-limited");
    assert!(
        refused["detail"]
            .as_str()
            .unwrap()
            .contains("source 'noisy'"),
        "{refused}"
    );

    // The other source, with the default limits, is not held back by the noisy one.
    for i in 0..5 {
        let body = format!(r#"{{"occurred_at": "2026-01-31T18:42:00Z", "n": {i}}}"#);
        let answer = app
            .portal_delivery(&format!("msg_portal_{i}"), &body)
            .send()
            .await
            .unwrap();
        assert_eq!(answer.status(), 202, "partner-portal delivery {i}");
    }
    let stored = stored_events(&app.store).await;
    let noisy = stored.iter().filter(|e| e.source == "noisy").count();
    let portal = stored
        .iter()
        .filter(|e| e.source == "partner-portal")
        .count();
    assert_eq!(
        (noisy, portal),
        (2, 5),
        "the refused delivery was not stored"
    );

    let metrics = app
        .client
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        metrics.contains(r#"gatehouse_ingress_throttled_total{source="noisy"} 1"#),
        "{metrics}"
    );
    assert!(
        !metrics.contains(r#"gatehouse_ingress_throttled_total{source="partner-portal"}"#),
        "{metrics}"
    );
    app.stop().await;
}

#[test]
fn limits_that_could_never_pass_a_delivery_are_refused_at_load() {
    let text = crate::support::config(
        "[sources.partner-portal.limits]\nrate_per_second = 0\nburst = 0\nbodies_in_flight = 0\n",
    );
    let error = gatehouse::config::Settings::from_toml(&text).unwrap_err();
    let keys: Vec<_> = error.problems.iter().map(|p| p.key.as_str()).collect();
    assert_eq!(
        keys,
        [
            "sources.partner-portal.limits.rate_per_second",
            "sources.partner-portal.limits.burst",
            "sources.partner-portal.limits.bodies_in_flight",
        ]
    );
}
