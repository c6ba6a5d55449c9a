//! Every other scheme over HTTP: the HMAC presets, basic auth and Okta event hooks, each with
//! the event id taken from where that sender puts it.

use crate::on_both_stores;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

use crate::support::{TestApp, hmac256_hex, hmac512_base64, problem, stored_events};

const SECRET: &str = "preset-test-secret-0123456789";

fn sources() -> String {
    let mut text = String::new();
    for (name, preset, event_id) in [
        ("bamboohr", "bamboohr", ""),
        ("hibob", "hibob", ""),
        // Greenhouse's event id header is outside its signature: the body's hash is the key.
        ("greenhouse", "greenhouse", ""),
        ("gusto", "gusto", r#"event_id = { json_pointer = "/uuid" }"#),
        ("deel", "deel", ""),
    ] {
        text.push_str(&format!(
            "[sources.{name}]\n{event_id}\n[sources.{name}.verification]\nscheme = \"hmac\"\npreset = \"{preset}\"\nsecrets = [{{ secret = \"{SECRET}\" }}]\n"
        ));
    }
    text.push_str(
        r#"
[sources.workday]
format = "soap-xml"
[sources.workday.verification]
scheme = "basic"
username = "workday-outbound"
secrets = [{ secret = "old-password" }, { secret = "new-password" }]

[sources.okta]
event_id = { json_pointer = "/eventId" }
[sources.okta.verification]
scheme = "okta"
secrets = [{ secret = "okta-shared-secret" }]
"#,
    );
    text
}

on_both_stores! {
    async fn each_hmac_preset_accepts_its_senders_signature_and_refuses_a_wrong_one() {
        let app = TestApp::builder().config(&sources()).spawn().await;
        let ts = app.clock_now().timestamp().to_string();
        let body = r#"{"uuid":"03ffbf0c-1","event_type":"employee.terminated","timestamp":1671058841}"#;
        let b = body.as_bytes();
        let deliveries: Vec<(&str, Vec<(&str, String)>)> = vec![
            (
                "bamboohr",
                vec![
                    (
                        "X-BambooHR-Signature",
                        hmac256_hex(SECRET, &[b, ts.as_bytes()]),
                    ),
                    ("X-BambooHR-Timestamp", ts.clone()),
                ],
            ),
            ("hibob", vec![("Bob-Signature", hmac512_base64(SECRET, b))]),
            (
                "greenhouse",
                vec![
                    ("Signature", format!("sha256 {}", hmac256_hex(SECRET, &[b]))),
                    ("Greenhouse-Event-ID", "gh-evt-77".to_owned()),
                ],
            ),
            (
                "gusto",
                vec![("X-Gusto-Signature", hmac256_hex(SECRET, &[b]))],
            ),
            (
                "deel",
                vec![("x-deel-signature", hmac256_hex(SECRET, &[b"POST", b]))],
            ),
        ];
        for (source, headers) in &deliveries {
            let mut request = app.webhook(source).body(body);
            for (name, value) in headers {
                request = request.header(*name, value);
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), 202, "{source}");

            // The same headers over a different body must not verify.
            let mut forged = app
                .webhook(source)
                .body(body.replace("terminated", "hired"));
            for (name, value) in headers {
                forged = forged.header(*name, value);
            }
            let response = forged.send().await.unwrap();
            assert_eq!(response.status(), 401, "{source} forged");
            assert_eq!(problem(response).await["reason"], "bad_signature");
        }

        let events = stored_events(&app.store).await;
        let key_of = |source: &str| {
            events
                .iter()
                .find(|e| e.source == source)
                .map(|e| (e.dedupe_key.clone(), e.key_origin.as_str()))
                .unwrap()
        };
        let (greenhouse, origin) = key_of("greenhouse");
        assert_eq!(origin, "content_hash", "the unsigned Greenhouse-Event-ID is not the key");
        assert!(greenhouse.starts_with("sha256:"));
        assert_eq!(key_of("gusto"), ("03ffbf0c-1".to_owned(), "body"));
        let (hash, origin) = key_of("hibob");
        assert_eq!(
            origin, "content_hash",
            "HiBob sends no id: the body's hash is the key"
        );
        assert!(hash.starts_with("sha256:"));
        assert_eq!(events.len(), 5);
        app.stop().await;
    }
}

on_both_stores! {
    async fn a_configured_event_id_missing_from_the_delivery_is_a_400() {
        let app = TestApp::builder().config(&sources()).spawn().await;
        let body = r#"{"event_type":"employee.terminated"}"#;
        let response = app
            .webhook("gusto")
            .header("X-Gusto-Signature", hmac256_hex(SECRET, &[body.as_bytes()]))
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 400);
        let p = problem(response).await;
        assert_eq!(p["reason"], "missing_event_id");
        assert!(p["detail"].as_str().unwrap().contains("/uuid"));
        app.stop().await;
    }
}

on_both_stores! {
    async fn workday_basic_auth_takes_either_rotated_password_and_xml_only() {
        let app = TestApp::builder().config(&sources()).spawn().await;
        let xml = r#"<?xml version="1.0"?><env:Envelope xmlns:env="http://schemas.xmlsoap.org/soap/envelope/"><env:Body><wd:Terminate/></env:Body></env:Envelope>"#;
        let auth = |user: &str, password: &str| {
            format!("Basic {}", STANDARD.encode(format!("{user}:{password}")))
        };
        let cases = [
            (
                Some(auth("workday-outbound", "old-password")),
                "text/xml",
                202,
                None,
            ),
            (
                Some(auth("workday-outbound", "new-password")),
                "application/soap+xml",
                202,
                None,
            ),
            (
                Some(auth("workday-outbound", "wrong")),
                "text/xml",
                401,
                Some("bad_credentials"),
            ),
            (
                Some(auth("someone-else", "new-password")),
                "text/xml",
                401,
                Some("bad_credentials"),
            ),
            (
                Some("Basic %%%".to_owned()),
                "text/xml",
                401,
                Some("malformed_header"),
            ),
            (None, "text/xml", 401, Some("missing_credentials")),
            (
                Some(auth("workday-outbound", "new-password")),
                "application/json",
                415,
                Some("unsupported_media_type"),
            ),
        ];
        for (n, (authorization, content_type, expected, reason)) in cases.into_iter().enumerate() {
            // Distinct bodies, so the two accepted ones are not duplicates of each other.
            let body = xml.replace("Terminate", &format!("Terminate{n}"));
            let mut request = app
                .client
                .post(format!("{}/v1/webhooks/workday", app.base))
                .header("content-type", content_type)
                .body(body);
            if let Some(value) = authorization {
                request = request.header("authorization", value);
            }
            let response = request.send().await.unwrap();
            assert_eq!(response.status(), expected, "case {n}");
            if let Some(reason) = reason {
                assert_eq!(problem(response).await["reason"], reason, "case {n}");
            }
        }
        assert_eq!(stored_events(&app.store).await.len(), 2);
        app.stop().await;
    }
}

on_both_stores! {
    async fn okta_challenge_is_echoed_and_events_need_the_shared_header() {
        let app = TestApp::builder().config(&sources()).spawn().await;
        let challenge = app
            .client
            .get(format!("{}/v1/webhooks/okta", app.base))
            .header("X-Okta-Verification-Challenge", "c2FtcGxlLWNoYWxsZW5nZQ")
            .send()
            .await
            .unwrap();
        assert_eq!(challenge.status(), 200);
        let answer: Value = challenge.json().await.unwrap();
        assert_eq!(
            answer,
            serde_json::json!({"verification": "c2FtcGxlLWNoYWxsZW5nZQ"})
        );

        let body = r#"{"eventType":"com.okta.event_hook","eventId":"b5a1","data":{"events":[]}}"#;
        let ok = app
            .webhook("okta")
            .header("authorization", "okta-shared-secret")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(ok.status(), 202);
        let wrong = app
            .webhook("okta")
            .header("authorization", "okta-shared-secreT")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(wrong.status(), 401);

        // The challenge is only answered for Okta sources.
        let not_okta = app
            .client
            .get(format!("{}/v1/webhooks/gusto", app.base))
            .header("X-Okta-Verification-Challenge", "x")
            .send()
            .await
            .unwrap();
        assert_eq!(not_okta.status(), 405);
        let events = stored_events(&app.store).await;
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].dedupe_key, "b5a1");
        app.stop().await;
    }
}
