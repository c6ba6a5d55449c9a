//! The webhook ingress with Standard Webhooks: vectors, rotation, tolerance, replay, refusals.

use crate::on_both_stores;
use chrono::{DateTime, Duration, Utc};
use serde_json::Value;

use crate::support::{PORTAL_SECRET, TestApp, problem, standard_signature, stored_events};

fn at(unix: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(unix, 0).expect("valid time")
}

const VECTOR_SOURCES: &str = r#"
[sources.vectors.verification]
scheme = "standard-webhooks"
secrets = [
  { secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", label = "spec" },
  { secret = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD", label = "reference" },
]
"#;

on_both_stores! {
    async fn both_published_standard_webhooks_vectors_are_accepted() {
        // The spec's vector and the reference library's, each at its own (old) timestamp.
        let vectors = [
            (
                1614265330,
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                r#"{"test": 2432232314}"#,
                "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
            ),
            (
                1649367553,
                "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
                r#"{"email":"test@example.com","username":"test_user"}"#,
                "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=",
            ),
        ];
        for (ts, id, body, signature) in vectors {
            let app = TestApp::builder()
                .config(VECTOR_SOURCES)
                .clock_at(at(ts))
                .spawn()
                .await;
            let response = app
                .webhook("vectors")
                .header("webhook-id", id)
                .header("webhook-timestamp", ts.to_string())
                .header("webhook-signature", signature)
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 202, "vector {id}");
            let receipt: Value = response.json().await.unwrap();
            assert_eq!(receipt["status"], "accepted");
            assert!(receipt["event_id"].as_str().unwrap().starts_with("evt_"));

            let events = stored_events(&app.store).await;
            assert_eq!(events.len(), 1);
            assert_eq!(events[0].body, body.as_bytes(), "the raw bytes are kept");
            assert_eq!(events[0].dedupe_key, id, "webhook-id is the dedupe key");
            app.stop().await;
        }
    }
}

on_both_stores! {
    async fn a_changed_byte_in_body_id_or_timestamp_is_refused() {
        let ts = 1614265330;
        let app = TestApp::builder()
            .config(VECTOR_SOURCES)
            .clock_at(at(ts))
            .spawn()
            .await;
        let good = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
        let cases = [
            (
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                ts,
                r#"{"test": 2432232315}"#,
            ),
            (
                "msg_p5jXN8AQM9LWM0D4loKWxJel",
                ts,
                r#"{"test": 2432232314}"#,
            ),
            (
                "msg_p5jXN8AQM9LWM0D4loKWxJek",
                ts + 1,
                r#"{"test": 2432232314}"#,
            ),
        ];
        for (id, t, body) in cases {
            let response = app
                .webhook("vectors")
                .header("webhook-id", id)
                .header("webhook-timestamp", t.to_string())
                .header("webhook-signature", good)
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 401);
            let p = problem(response).await;
            assert_eq!(p["reason"], "bad_signature");
            assert_eq!(p["type"], "urn:gatehouse:problem:bad-signature");
            assert_eq!(p["status"], 401);
        }
        assert!(
            stored_events(&app.store).await.is_empty(),
            "nothing written"
        );
        app.stop().await;
    }
}

on_both_stores! {
    async fn rotation_accepts_every_live_secret_and_refuses_an_expired_one() {
        let now = Utc::now();
        let expired = (now - Duration::hours(1)).to_rfc3339();
        let new = "whsec_bmV3LXNlY3JldC1mb3Itcm90YXRpb24tdGVzdHM=";
        let old = "whsec_b2xkLXNlY3JldC1mb3Itcm90YXRpb24tdGVzdHM=";
        let gone = "whsec_Z29uZS1zZWNyZXQtZm9yLXJvdGF0aW9uLXRlc3Q=";
        let sources = format!(
            r#"
    [sources.rotating.verification]
    scheme = "standard-webhooks"
    secrets = [
      {{ secret = "{new}", label = "new" }},
      {{ secret = "{old}", label = "old" }},
      {{ secret = "{gone}", label = "gone", expires_at = "{expired}" }},
    ]
    "#
        );
        let app = TestApp::builder()
            .config(&sources)
            .clock_at(now)
            .spawn()
            .await;
        for (n, (secret, expected)) in [(new, 202), (old, 202), (gone, 401)].iter().enumerate() {
            let id = format!("msg_rot_{n}");
            let body = format!(r#"{{"n":{n}}}"#);
            let ts = now.timestamp();
            let response = app
                .webhook("rotating")
                .header("webhook-id", &id)
                .header("webhook-timestamp", ts.to_string())
                .header(
                    "webhook-signature",
                    standard_signature(secret, &id, ts, body.as_bytes()),
                )
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), *expected, "secret #{n}");
        }
        // A header carrying a dead signature and a live one verifies: senders rotate that way.
        let id = "msg_both";
        let body = "{}";
        let ts = now.timestamp();
        let both = format!(
            "{} {}",
            standard_signature(gone, id, ts, body.as_bytes()),
            standard_signature(new, id, ts, body.as_bytes())
        );
        let response = app
            .webhook("rotating")
            .header("webhook-id", id)
            .header("webhook-timestamp", ts.to_string())
            .header("webhook-signature", both)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 202);
        assert_eq!(stored_events(&app.store).await.len(), 3);
        app.stop().await;
    }
}

on_both_stores! {
    async fn timestamps_at_the_tolerance_pass_and_one_second_beyond_fail_both_ways() {
        let now = Utc::now();
        let app = TestApp::builder().clock_at(now).spawn().await;
        let cases = [
            (-300, 202, None),
            (-301, 401, Some("stale_timestamp")),
            (300, 202, None),
            (301, 401, Some("future_timestamp")),
        ];
        for (offset, expected, reason) in cases {
            let ts = now.timestamp() + offset;
            let id = format!("msg_tol_{offset}");
            let body = r#"{"type":"x"}"#;
            let response = app
                .webhook("partner-portal")
                .header("webhook-id", &id)
                .header("webhook-timestamp", ts.to_string())
                .header(
                    "webhook-signature",
                    standard_signature(PORTAL_SECRET, &id, ts, body.as_bytes()),
                )
                .body(body)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), expected, "offset {offset}");
            if let Some(reason) = reason {
                assert_eq!(problem(response).await["reason"], reason);
            }
        }
        app.stop().await;
    }
}

on_both_stores! {
    async fn a_redelivery_answers_200_with_the_first_receipt_and_stores_nothing_new() {
        let app = TestApp::builder().spawn().await;
        let body = r#"{"type":"partner.user.signed_up","id":"evt_1"}"#;
        let first = app.portal_delivery("msg_dup", body).send().await.unwrap();
        assert_eq!(first.status(), 202);
        let first: Value = first.json().await.unwrap();
        // The sender retries later with a fresh signature on the same message id.
        app.clock.advance(chrono::TimeDelta::seconds(90));
        let second = app.portal_delivery("msg_dup", body).send().await.unwrap();
        assert_eq!(second.status(), 200);
        let second: Value = second.json().await.unwrap();
        assert_eq!(first, second);
        assert_eq!(stored_events(&app.store).await.len(), 1);
        app.stop().await;
    }
}

on_both_stores! {
    async fn a_body_over_the_limit_is_refused_with_413() {
        let app = TestApp::builder().spawn().await;
        let body = format!(r#"{{"pad":"{}"}}"#, "x".repeat(5000));
        let response = app.portal_delivery("msg_big", &body).send().await.unwrap();
        assert_eq!(response.status(), 413);
        let p = problem(response).await;
        assert_eq!(p["reason"], "payload_too_large");
        assert!(p["detail"].as_str().unwrap().contains("4096"));
        assert!(stored_events(&app.store).await.is_empty());
        app.stop().await;
    }
}

on_both_stores! {
    async fn a_wrong_content_type_is_refused_with_415() {
        let app = TestApp::builder().spawn().await;
        let ts = app.clock_now().timestamp();
        let response = app
            .client
            .post(format!("{}/v1/webhooks/partner-portal", app.base))
            .header("content-type", "text/plain")
            .header("webhook-id", "msg_ct")
            .header("webhook-timestamp", ts.to_string())
            .header(
                "webhook-signature",
                standard_signature(PORTAL_SECRET, "msg_ct", ts, b"{}"),
            )
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 415);
        let p = problem(response).await;
        assert_eq!(p["reason"], "unsupported_media_type");
        assert!(p["detail"].as_str().unwrap().contains("application/json"));
        app.stop().await;
    }
}

on_both_stores! {
    async fn missing_malformed_and_empty_signature_headers_are_refused_with_the_reason() {
        let app = TestApp::builder().spawn().await;
        let ts = app.clock_now().timestamp().to_string();
        let good = standard_signature(PORTAL_SECRET, "msg_h", app.clock_now().timestamp(), b"{}");
        let eleven = vec![good.clone(); 11].join(" ");
        let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
            (
                vec![("webhook-id", "msg_h"), ("webhook-timestamp", &ts)],
                "missing_header",
            ),
            (
                vec![("webhook-id", "msg_h"), ("webhook-signature", &good)],
                "missing_header",
            ),
            (
                vec![("webhook-timestamp", &ts), ("webhook-signature", &good)],
                "missing_header",
            ),
            (
                vec![
                    ("webhook-id", "msg_h"),
                    ("webhook-timestamp", "yesterday"),
                    ("webhook-signature", &good),
                ],
                "malformed_header",
            ),
            (
                vec![
                    ("webhook-id", "msg_h"),
                    ("webhook-timestamp", &ts),
                    ("webhook-signature", "garbage"),
                ],
                "malformed_header",
            ),
            (
                // An empty v1 signature must never pass (a published verifier let it through).
                vec![
                    ("webhook-id", "msg_h"),
                    ("webhook-timestamp", &ts),
                    ("webhook-signature", "v1,"),
                ],
                "bad_signature",
            ),
            (
                vec![
                    ("webhook-id", "msg_h"),
                    ("webhook-timestamp", &ts),
                    ("webhook-signature", ""),
                ],
                "empty_signature_list",
            ),
            (
                vec![
                    ("webhook-id", "msg_h"),
                    ("webhook-timestamp", &ts),
                    ("webhook-signature", &eleven),
                ],
                "too_many_signatures",
            ),
        ];
        for (headers, reason) in cases {
            let mut request = app.webhook("partner-portal").body("{}");
            for (name, value) in &headers {
                request = request.header(*name, *value);
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 401, "{headers:?}");
            let p = problem(response).await;
            assert_eq!(p["reason"], reason, "{headers:?}: {p}");
            assert!(!p["detail"].as_str().unwrap().is_empty());
        }
        assert!(stored_events(&app.store).await.is_empty());
        app.stop().await;
    }
}

on_both_stores! {
    async fn an_unknown_source_is_refused_with_404() {
        let app = TestApp::builder().spawn().await;
        let response = app
            .webhook("no-such-source")
            .body("{}")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 404);
        let p = problem(response).await;
        assert_eq!(p["reason"], "unknown_source");
        assert!(p["detail"].as_str().unwrap().contains("no-such-source"));
        app.stop().await;
    }
}

on_both_stores! {
    async fn signed_but_malformed_json_is_refused_with_400_and_not_stored() {
        let app = TestApp::builder().spawn().await;
        let response = app
            .portal_delivery("msg_bad_json", r#"{"type": "x",,}"#)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
        let p = problem(response).await;
        assert_eq!(p["reason"], "malformed_json");
        assert!(stored_events(&app.store).await.is_empty());
        app.stop().await;
    }
}

on_both_stores! {
    async fn garbage_requests_get_4xx_answers_and_the_service_stays_up() {
        let app = TestApp::builder().spawn().await;
        let garbage: Vec<Vec<u8>> = vec![
            vec![],
            vec![0xff, 0xfe, 0x00, 0x01],
            b"{".to_vec(),
            "\u{0}\u{1}null".as_bytes().to_vec(),
            vec![b'['; 3000],
        ];
        for body in garbage {
            for signature in ["v1,AAAA", "v1,!!!!", "v2,abc", ",,,,", "v1,v1,v1,"] {
                let response = app
                    .webhook("partner-portal")
                    .header(
                        "webhook-id",
                        reqwest::header::HeaderValue::from_bytes(&[0xff, b'm', 0xfe]).unwrap(),
                    )
                    .header("webhook-timestamp", "99999999999999999999")
                    .header("webhook-signature", signature)
                    .body(body.clone())
                    .send()
                    .await
                    .unwrap();
                assert!(response.status().is_client_error(), "{}", response.status());
            }
        }
        let health = app
            .client
            .get(format!("{}/healthz", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(health.status(), 200);
        assert!(stored_events(&app.store).await.is_empty());
        app.stop().await;
    }
}
