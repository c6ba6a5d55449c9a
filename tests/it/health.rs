//! Health, readiness, and draining on shutdown.

use std::time::Duration;

use crate::support::TestApp;

#[tokio::test]
async fn healthz_and_readyz_answer_ok_while_running() {
    let app = TestApp::builder().spawn().await;
    for path in ["healthz", "readyz"] {
        let response = app
            .client
            .get(format!("{}/{path}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert!(
            body["status"] == "ok" || body["status"] == "ready",
            "{body}"
        );
    }
    app.stop().await;
}

#[tokio::test]
async fn while_draining_readyz_is_503_and_webhooks_are_still_accepted() {
    let app = TestApp::builder()
        .clock_at(chrono::Utc::now())
        .service("drain_delay_seconds = 2")
        .spawn()
        .await;
    let shutdown = app.shutdown.clone();
    let stopping = tokio::spawn(async move { shutdown.stop().await });

    // Draining begins as soon as stop is called; wait for readiness to say so.
    let mut readiness = None;
    for _ in 0..400 {
        let response = app
            .client
            .get(format!("{}/readyz", app.base))
            .send()
            .await
            .expect("the listener stays open during the drain delay");
        if response.status() == 503 {
            readiness = Some(response.json::<serde_json::Value>().await.unwrap());
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(readiness.expect("readyz turned 503")["status"], "draining");

    // Liveness and real work continue until the listener closes.
    let health = app
        .client
        .get(format!("{}/healthz", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let accepted = app.portal_delivery("msg_drain", "{}").send().await.unwrap();
    assert_eq!(accepted.status(), 202);

    stopping.await.unwrap();
    app.server.await.unwrap().unwrap();
}
