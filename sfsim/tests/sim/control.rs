//! The `/__sim/` control endpoints.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support;

#[tokio::test]
async fn the_request_log_shows_each_call_with_its_outcome() {
    let org = support::start().await;
    let client = org.client().await;
    client.get("/limits?x=1").await;
    client.get("/no/such/thing").await;
    let log = org.control(Method::GET, "/requests", None).await;
    let entries = log.body.as_array().unwrap();
    let prefix = support::data_prefix();
    let paths: Vec<&str> = entries
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        paths,
        [
            "/services/oauth2/token".to_owned(),
            format!("{prefix}/limits?x=1"),
            format!("{prefix}/no/such/thing"),
        ]
    );
    assert_eq!(entries[1]["status"], 200);
    assert_eq!(entries[1]["endpoint"], "GET /limits");
    assert_eq!(entries[1]["errorCode"], Value::Null);
    assert_eq!(entries[2]["status"], 404);
    assert_eq!(entries[2]["errorCode"], "NOT_FOUND");
    assert!(entries[0].get("request_body").is_none());
    // `since` returns only what came after.
    let seq = entries[1]["seq"].as_u64().unwrap();
    let later = org
        .control(Method::GET, &format!("/requests?since={seq}"), None)
        .await;
    assert_eq!(later.body.as_array().unwrap().len(), 1);
    let bad = org
        .control(Method::GET, "/requests?since=yesterday", None)
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn bodies_are_logged_for_data_calls_only_when_asked() {
    let org = support::start().await;
    let on = org
        .control(Method::PUT, "/requests", Some(json!({"bodies": true})))
        .await;
    assert_eq!(on.status, StatusCode::OK);
    let client = org.client().await;
    let caught = org
        .control(
            Method::POST,
            "/faults/script",
            Some(json!({"path": "/limits"})),
        )
        .await;
    assert_eq!(caught.status, StatusCode::CREATED);
    client.post("/limits", json!({"Name": "Acme"})).await;
    let log = org.control(Method::GET, "/requests", None).await;
    let entries = log.body.as_array().unwrap();
    // The token request carries a secret: never logged.
    assert!(entries[0].get("request_body").is_none());
    assert_eq!(entries[1]["request_body"], r#"{"Name":"Acme"}"#);
    assert!(
        entries[1]["response_body"]
            .as_str()
            .unwrap()
            .contains("SERVER_UNAVAILABLE")
    );
}

#[tokio::test]
async fn calls_are_counted_per_endpoint_template() {
    let org = support::start().await;
    let client = org.client().await;
    client.get("/limits").await;
    client.get("/limits").await;
    client.get("/nothing/here").await;
    org.http
        .get(org.url("/services/data"))
        .send()
        .await
        .unwrap();
    let calls = org.control(Method::GET, "/calls", None).await;
    assert_eq!(calls.body["by_endpoint"]["GET /limits"], 2);
    assert_eq!(calls.body["by_endpoint"]["POST /services/oauth2/token"], 1);
    assert_eq!(calls.body["by_endpoint"]["GET (unknown)"], 1);
    assert_eq!(calls.body["total"], 5);
    // Control calls are not API calls.
    let again = org.control(Method::GET, "/calls", None).await;
    assert_eq!(again.body["total"], 5);
    let cleared = org.control(Method::DELETE, "/requests", None).await;
    assert_eq!(cleared.status, StatusCode::OK);
    assert_eq!(
        org.control(Method::GET, "/calls", None).await.body["total"],
        0
    );
}

#[tokio::test]
async fn state_shows_the_org_and_the_simulators_counters() {
    let org = support::start().await;
    let client = org.client().await;
    client.get("/limits").await;
    let state = org.control(Method::GET, "/state", None).await;
    assert_eq!(state.status, StatusCode::OK);
    assert!(state.body.get("org").is_some());
    assert_eq!(state.body["api_usage"]["used"], 1);
    assert_eq!(state.body["live_tokens"], 1);
    assert_eq!(state.body["calls"]["total"], 2);
    assert!(state.body["faults"]["seed"].is_u64());
}

#[tokio::test]
async fn settings_change_one_switch_at_a_time_and_refuse_unknown_ones() {
    let org = support::start().await;
    let before = org.control(Method::GET, "/settings", None).await;
    let (name, value) = before
        .body
        .as_object()
        .unwrap()
        .iter()
        .find_map(|(k, v)| v.as_bool().map(|b| (k.clone(), b)))
        .expect("the org has a boolean setting");
    let flip = Value::Object([(name.clone(), json!(!value))].into_iter().collect());
    let patched = org.control(Method::PATCH, "/settings", Some(flip)).await;
    assert_eq!(patched.status, StatusCode::OK);
    assert_eq!(patched.body[&name], !value);
    let shown = org.control(Method::GET, "/settings", None).await;
    assert_eq!(shown.body[&name], !value);
    for bad in [
        json!({"no_such_switch": true}),
        Value::Object([(name.clone(), json!("yes"))].into_iter().collect()),
        json!([1]),
    ] {
        let answer = org.control(Method::PATCH, "/settings", Some(bad)).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST);
        assert_eq!(answer.body["error"], "bad_request");
    }
    assert_eq!(
        org.control(Method::GET, "/settings", None).await.body,
        shown.body
    );
}

#[tokio::test]
async fn emails_list_what_the_org_sent() {
    let org = support::start().await;
    let emails = org.control(Method::GET, "/emails", None).await;
    assert_eq!(emails.status, StatusCode::OK);
    assert_eq!(emails.body, json!([]));
}

#[tokio::test]
async fn the_clock_can_be_set_moved_and_released() {
    let org = support::start().await;
    let set = org
        .control(
            Method::PUT,
            "/clock",
            Some(json!({"now": "2030-01-01T00:00:00Z"})),
        )
        .await;
    assert_eq!(
        set.body,
        json!({"now": "2030-01-01T00:00:00Z", "fixed": true})
    );
    let moved = org
        .control(Method::PUT, "/clock", Some(json!({"advance_seconds": 90})))
        .await;
    assert_eq!(moved.body["now"], "2030-01-01T00:01:30Z");
    let released = org
        .control(Method::PUT, "/clock", Some(json!({"running": true})))
        .await;
    assert_eq!(released.body["fixed"], false);
    for bad in [
        json!({}),
        json!({"now": "2030-01-01T00:00:00Z", "advance_seconds": 1}),
        json!({"now": "next tuesday"}),
        json!({"advance_seconds": i64::MAX}),
    ] {
        let answer = org.control(Method::PUT, "/clock", Some(bad.clone())).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{bad}");
    }
}

#[tokio::test]
async fn token_lifetime_and_revocation_requests_are_checked() {
    let org = support::start().await;
    let shown = org.control(Method::GET, "/tokens", None).await;
    assert_eq!(shown.body["lifetime_seconds"], 7200);
    let changed = org
        .control(
            Method::PUT,
            "/tokens",
            Some(json!({"lifetime_seconds": 60})),
        )
        .await;
    assert_eq!(changed.body["lifetime_seconds"], 60);
    for bad in [
        json!({}),
        json!({"all": true, "token": "x"}),
        json!({"all": "yes"}),
    ] {
        let answer = org.control(Method::POST, "/tokens/revoke", Some(bad)).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    }
    let zero = org
        .control(Method::PUT, "/tokens", Some(json!({"lifetime_seconds": 0})))
        .await;
    assert_eq!(zero.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn reset_returns_to_the_start_and_clears_everything() {
    let org = support::start().await;
    let client = org.client().await;
    client.get("/limits").await;
    org.control(Method::POST, "/faults/script", Some(json!({"path": "/x"})))
        .await;
    org.control(Method::PUT, "/clock", Some(json!({"advance_seconds": 60})))
        .await;
    org.control(Method::PUT, "/limits", Some(json!({"max": 5})))
        .await;
    let reset = org.control(Method::POST, "/reset", None).await;
    assert_eq!(reset.status, StatusCode::OK);
    let state = org.control(Method::GET, "/state", None).await;
    assert_eq!(state.body["live_tokens"], 0);
    assert_eq!(state.body["scripts"], json!([]));
    assert_eq!(state.body["clock_fixed"], false);
    assert_eq!(
        state.body["api_usage"],
        json!({"used": 0, "max": 100000, "remaining": 100000})
    );
    assert_eq!(state.body["calls"]["total"], 0);
    assert_eq!(
        client.get("/limits").await.status,
        StatusCode::UNAUTHORIZED,
        "old tokens die with the reset"
    );
}

#[tokio::test]
async fn a_fixture_that_does_not_load_changes_nothing() {
    let org = support::start().await;
    // Time stands still, so the dumps compare whatever the org puts in them.
    org.pin_clock().await;
    let client = org.client().await;
    let before = org.control(Method::GET, "/state", None).await;
    let response = org
        .http
        .post(org.url("/__sim/fixture"))
        .body("this is [not a fixture")
        .send()
        .await
        .unwrap();
    let answer = support::Answer::read(response).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(
        answer.body["message"]
            .as_str()
            .unwrap()
            .starts_with("invalid fixture")
    );
    let after = org.control(Method::GET, "/state", None).await;
    assert_eq!(after.body["org"], before.body["org"]);
    assert_eq!(client.get("/limits").await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_posted_fixture_replaces_the_org_until_reset() {
    let org = support::start().await;
    let default_app = org.secret_app();
    let old = org.client().await;
    let response = org
        .http
        .post(org.url("/__sim/fixture"))
        .body(support::token_fixture())
        .send()
        .await
        .unwrap();
    let loaded = support::Answer::read(response).await;
    assert_eq!(loaded.status, StatusCode::OK, "{:?}", loaded.body);
    assert_eq!(loaded.body["revoked_tokens"], 1);
    assert_eq!(old.get("/limits").await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(org.secret_app().client_id, "edge-test");
    assert_eq!(org.client_credentials().await.status, StatusCode::OK);

    org.control(Method::POST, "/reset", None).await;
    assert_eq!(org.secret_app(), default_app);
    assert_eq!(org.client_credentials().await.status, StatusCode::OK);
}

#[tokio::test]
async fn control_paths_and_methods_it_does_not_have_get_json_errors() {
    let org = support::start().await;
    let unknown = org.control(Method::GET, "/nothing", None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(unknown.body["error"], "not_found");
    let wrong_method = org.control(Method::DELETE, "/state", None).await;
    assert_eq!(wrong_method.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(wrong_method.body["error"], "method_not_allowed");
}

#[tokio::test]
async fn logins_stamp_last_login_date_one_at_a_time_or_many_at_once() {
    let org = support::start().await;
    org.control(
        Method::PUT,
        "/clock",
        Some(json!({"now": "2030-01-01T00:00:00Z"})),
    )
    .await;
    let client = org.client().await;
    let last_login = |username: &'static str| {
        let client = client.clone();
        async move {
            let soql = format!("SELECT LastLoginDate FROM User WHERE Username = '{username}'");
            let answer = client.get(&format!("/query?q={}", urlencode(&soql))).await;
            answer.body["records"][0]["LastLoginDate"].clone()
        }
    };
    assert_eq!(
        last_login("owner.norole@gatehouse.sfsim").await,
        Value::Null
    );

    // One login now, by username.
    let one = org
        .control(
            Method::POST,
            "/logins",
            Some(json!({"user": "owner.norole@gatehouse.sfsim"})),
        )
        .await;
    assert_eq!(one.status, StatusCode::OK, "{:?}", one.body);
    assert_eq!(one.body, json!({"logged_in": 1}));
    assert_eq!(
        last_login("owner.norole@gatehouse.sfsim").await,
        "2030-01-01T00:00:00.000+0000"
    );

    // Many at a past time: an earlier login never moves the date back.
    let many = org
        .control(
            Method::POST,
            "/logins",
            Some(
                json!({"users": ["owner.norole@gatehouse.sfsim", "admin@gatehouse.sfsim"],
                        "at": "2029-06-30T12:00:00Z"}),
            ),
        )
        .await;
    assert_eq!(many.body, json!({"logged_in": 2}));
    assert_eq!(
        last_login("owner.norole@gatehouse.sfsim").await,
        "2030-01-01T00:00:00.000+0000"
    );
    assert_eq!(
        last_login("admin@gatehouse.sfsim").await,
        "2029-06-30T12:00:00.000+0000"
    );
    let filtered = client
        .get(&format!(
            "/query?q={}",
            urlencode("SELECT Username FROM User WHERE LastLoginDate < 2029-12-01T00:00:00Z")
        ))
        .await;
    assert_eq!(filtered.body["totalSize"], 1, "{:?}", filtered.body);
    assert_eq!(
        filtered.body["records"][0]["Username"],
        "admin@gatehouse.sfsim"
    );

    // All or none: one bad login in an array records nothing.
    for bad in [
        json!([{"user": "owner.partner@gatehouse.sfsim"}, {"user": "nobody@example.com"}]),
        json!({"user": "owner.partner@gatehouse.sfsim", "at": "2031-01-01T00:00:00Z"}),
        json!({"user": "owner.partner@gatehouse.sfsim", "when": "now"}),
    ] {
        let answer = org
            .control(Method::POST, "/logins", Some(bad.clone()))
            .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{bad}");
    }
    assert_eq!(
        last_login("owner.partner@gatehouse.sfsim").await,
        Value::Null
    );
}

#[tokio::test]
async fn a_user_who_cannot_log_in_has_no_login_now_but_may_have_one_in_the_past() {
    let org = support::start().await;
    org.pin_clock().await;
    let user = org.user_id("owner.partner@gatehouse.sfsim");
    org.client()
        .await
        .patch(
            &format!("/sobjects/User/{user}"),
            json!({"IsActive": false}),
        )
        .await;
    let now = org
        .control(Method::POST, "/logins", Some(json!({"user": user})))
        .await;
    assert_eq!(now.status, StatusCode::BAD_REQUEST);
    assert!(
        now.body["message"]
            .as_str()
            .is_some_and(|m| m.contains("cannot log in now")),
        "{:?}",
        now.body
    );
    let past = org
        .control(
            Method::POST,
            "/logins",
            Some(json!({"user": user, "at": "2020-01-01T00:00:00Z"})),
        )
        .await;
    assert_eq!(past.status, StatusCode::OK, "{:?}", past.body);
}

#[test]
fn a_fixture_user_can_carry_a_last_login() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let fixture = std::fs::read_to_string(dir.join("default.toml"))
        .unwrap()
        .replace(
            "username = \"owner.norole@gatehouse.sfsim\"",
            "username = \"owner.norole@gatehouse.sfsim\"\nlast_login = \"2025-03-04T05:06:07Z\"",
        );
    let org = sfsim::org::Org::from_fixture_toml(&fixture, &dir).unwrap();
    let user = org
        .user_by_username("owner.norole@gatehouse.sfsim")
        .unwrap();
    assert_eq!(user.fields["LastLoginDate"], "2025-03-04T05:06:07.000+0000");
    let other = org
        .user_by_username("owner.partner@gatehouse.sfsim")
        .unwrap();
    assert!(other.fields.get("LastLoginDate").is_none_or(Value::is_null));
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
