//! What an accepted delivery leaves in the inbox, and that concurrent deliveries all land.

use crate::on_both_stores;
use std::collections::HashSet;

use serde_json::Value;

use crate::support::{TestApp, stored_events};

on_both_stores! {
    async fn an_accepted_event_keeps_its_bytes_time_and_trace_context() {
        let app = TestApp::builder().spawn().await;
        let body = r#"{"type":"partner.user.signed_up","id":"evt_9","occurred_at":"2026-01-31T18:42:00+0000","data":{}}"#;
        let traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let response = app
            .portal_delivery("msg_keep", body)
            .header("traceparent", traceparent)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 202);
        let receipt: Value = response.json().await.unwrap();

        let events = stored_events(&app.store).await;
        assert_eq!(events.len(), 1);
        let event = &events[0];
        assert_eq!(
            event.event_id.as_str(),
            receipt["event_id"].as_str().unwrap()
        );
        assert_eq!(event.source, "partner-portal");
        assert_eq!(event.body, body.as_bytes());
        assert_eq!(event.content_type, "application/json");
        assert_eq!(event.traceparent.as_deref(), Some(traceparent));
        assert_eq!(
            event.source_time.map(|t| t.to_rfc3339()),
            Some("2026-01-31T18:42:00+00:00".to_owned()),
            "the +0000 offset form is read"
        );
        assert_eq!(event.received_at, app.clock_now());
        app.stop().await;
    }
}

on_both_stores! {
    async fn two_hundred_concurrent_deliveries_are_all_stored_once_with_shared_disk_syncs() {
        let app = TestApp::builder().spawn().await;
        let mut tasks = Vec::new();
        for n in 0..200 {
            // Every tenth delivery is sent twice at once: the redelivery must not store twice.
            let copies = if n % 10 == 0 { 2 } else { 1 };
            for _ in 0..copies {
                let request = app.portal_delivery(&format!("msg_conc_{n}"), &format!(r#"{{"n":{n}}}"#));
                tasks.push(tokio::spawn(async move { request.send().await }));
            }
        }
        let mut ids = HashSet::new();
        let mut statuses = Vec::new();
        for task in tasks {
            let response = task.await.unwrap().unwrap();
            statuses.push(response.status().as_u16());
            let receipt: Value = response.json().await.unwrap();
            ids.insert(receipt["event_id"].as_str().unwrap().to_owned());
        }
        assert_eq!(ids.len(), 200, "one receipt per distinct delivery");
        assert_eq!(statuses.iter().filter(|s| **s == 202).count(), 200);
        assert_eq!(statuses.iter().filter(|s| **s == 200).count(), 20);
        assert_eq!(stored_events(&app.store).await.len(), 200);
        let stats = app.store.stats();
        assert!(
            stats.batches < stats.events,
            "group commit shares syncs: {} batches for {} events",
            stats.batches,
            stats.events
        );
        app.stop().await;
    }
}

on_both_stores! {
    async fn the_event_time_can_come_from_a_header() {
        let secret = "header-time-secret";
        let app = TestApp::builder()
            .config(&format!(
                r#"
    [sources.bamboohr]
    event_time = {{ header = "X-BambooHR-Timestamp" }}
    [sources.bamboohr.verification]
    scheme = "hmac"
    preset = "bamboohr"
    secrets = [{{ secret = "{secret}" }}]
    "#
            ))
            .spawn()
            .await;
        let ts = app.clock_now().timestamp().to_string();
        let body = r#"{"employees":[]}"#;
        let response = app
            .webhook("bamboohr")
            .header(
                "X-BambooHR-Signature",
                crate::support::hmac256_hex(secret, &[body.as_bytes(), ts.as_bytes()]),
            )
            .header("X-BambooHR-Timestamp", &ts)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 202);
        let events = stored_events(&app.store).await;
        assert_eq!(events[0].source_time, Some(app.clock_now()));
        app.stop().await;
    }
}
