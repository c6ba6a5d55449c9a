//! Who may use the admin routes: a configured operator's bearer token, and nobody when none is
//! set. Roles, named tokens and the identity provider's tokens: `tests/it/operators`.

use crate::on_both_stores;
use reqwest::Method;
use serde_json::json;

use super::app::{TOKEN, answer, spawn, spawn_without_admin};
use crate::support::problem;

/// One route of each family, with the method it takes.
const ROUTES: [(&str, &str); 8] = [
    ("GET", "/v1/subjects"),
    ("GET", "/v1/subjects/partner-portal:u-1"),
    ("GET", "/v1/commands"),
    ("GET", "/v1/dead-letters"),
    ("GET", "/v1/inbox"),
    ("POST", "/v1/parked/resume"),
    ("POST", "/v1/subjects/partner-portal:u-1/deprovision"),
    (
        "POST",
        "/v1/inbox/evt_0193a6f2-3b1c-7d4e-9f00-1a2b3c4d5e6f/replay",
    ),
];

on_both_stores! {
    async fn admin_routes_refuse_a_missing_or_wrong_token_with_a_bearer_challenge() {
        let app = spawn().await;
        for (method, path) in ROUTES {
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            let url = format!("{}{path}", app.base);
            for (token, reason) in [
                (None, "missing_token"),
                (Some("admin-test-token-012345678X"), "bad_token"),
                (Some("admin-test-token-0123456789 extra"), "bad_token"),
            ] {
                let mut request = app
                    .client
                    .request(method.clone(), &url)
                    .json(&json!({"trigger": "should never run"}));
                if let Some(token) = token {
                    request = request.bearer_auth(token);
                }
                let response = request.send().await.unwrap();
                assert_eq!(response.status(), 401, "{method} {path} with {token:?}");
                let challenge = response.headers()["www-authenticate"]
                    .to_str()
                    .unwrap()
                    .to_owned();
                assert!(challenge.starts_with("Bearer "), "{challenge}");
                let body = problem(response).await;
                assert_eq!(body["reason"], reason, "{method} {path}: {body}");
            }
            // Another scheme is not a bearer token.
            let response = app
                .client
                .request(method.clone(), &url)
                .basic_auth("admin", Some(TOKEN))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 401, "{method} {path} with basic auth");
        }
        // Nothing the refused requests asked for happened.
        let (status, commands) = app.get("/v1/commands").await;
        assert_eq!(status, 200);
        assert_eq!(commands["items"], json!([]));
        app.stop().await;
    }
}

on_both_stores! {
    async fn the_configured_token_opens_the_admin_routes() {
        let app = spawn().await;
        let (status, page) = app.get("/v1/subjects").await;
        assert_eq!(status, 200, "{page}");
        assert_eq!(page, json!({"items": [], "next_after": null}));
        // The scheme name is case-insensitive, as RFC 9110 says.
        let response = app
            .client
            .get(format!("{}/v1/commands", app.base))
            .header("authorization", format!("bearer {TOKEN}"))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        app.stop().await;
    }
}

on_both_stores! {
    async fn without_a_configured_token_the_admin_routes_are_off_and_say_how_to_turn_them_on() {
        let app = spawn_without_admin().await;
        for (method, path) in ROUTES {
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            // Not even a token that would be right elsewhere opens them.
            let response = app
                .client
                .request(method.clone(), format!("{}{path}", app.base))
                .bearer_auth(TOKEN)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 404, "{method} {path}");
            let body = problem(response).await;
            assert_eq!(body["reason"], "admin_off");
            assert!(
                body["detail"].as_str().unwrap().contains("admin.token"),
                "{body}"
            );
        }
        // The webhook side works as ever.
        let (status, _) = answer(
            app.client
                .get(format!("{}/healthz", app.base))
                .send()
                .await
                .unwrap(),
        )
        .await;
        assert_eq!(status, 200);
        app.stop().await;
    }
}
