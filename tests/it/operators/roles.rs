//! Every role on every admin route, allowed and refused, driven by the route→role table the
//! server reads; and checks of the table itself: hand-written expectations, and every mounted
//! admin route present in it.

use gatehouse::admin::api::{ROUTE_ROLES, role_for};
use gatehouse::domain::Role;
use reqwest::Method;
use serde_json::json;

use crate::admin::app::{ALICE, BOB, CAROL, TOKEN, spawn};
use crate::support::problem;

/// A path for the route's pattern, its parameters filled with plausible values.
fn path_of(pattern: &str) -> String {
    pattern
        .replace("{key}", "partner-portal:u-1")
        .replace("{id}", "cmd_0193a6f2-3b1c-7d4e-9f00-1a2b3c4d5e6f")
        .replace("{event_id}", "evt_0193a6f2-3b1c-7d4e-9f00-1a2b3c4d5e6f")
        .replace("{source}", "partner-portal")
        .replace("{run_id}", "ros_0193a6f2-3b1c-7d4e-9f00-1a2b3c4d5e6f")
        .replace("{name}", "nobody")
}

#[tokio::test]
async fn each_role_is_allowed_exactly_the_routes_its_role_grants() {
    let app = spawn().await;
    let holders = [
        (Role::Viewer, CAROL),
        (Role::Operator, ALICE),
        (Role::Approver, BOB),
        (Role::Admin, TOKEN),
    ];
    for route in ROUTE_ROLES {
        let method = Method::from_bytes(route.method.as_bytes()).unwrap();
        let path = path_of(route.pattern);
        for (held, token) in holders {
            let response = app
                .admin_as(token, method.clone(), &path)
                .json(&json!({"mode": "freeze", "trigger": "role test"}))
                .send()
                .await
                .unwrap();
            let status = response.status().as_u16();
            let what = format!("{held} on {} {}", route.method, route.pattern);
            if held.grants(route.role) {
                assert!(
                    status != 401 && status != 403,
                    "{what}: allowed, got {status}"
                );
            } else {
                assert_eq!(status, 403, "{what}: refused");
                let body = problem(response).await;
                assert_eq!(body["reason"], "role_needed", "{what}: {body}");
                assert_eq!(body["role_needed"], route.role.as_str(), "{what}");
                assert_eq!(body["roles_held"], held.as_str(), "{what}");
            }
        }
    }
    app.stop().await;
}

#[test]
fn the_table_gives_the_documented_roles() {
    for (method, pattern, role) in [
        ("GET", "/v1/subjects/{key}", Role::Viewer),
        ("GET", "/v1/dead-letters", Role::Viewer),
        ("POST", "/v1/commands/{id}/replay", Role::Operator),
        ("POST", "/v1/parked/resume", Role::Operator),
        ("POST", "/v1/subjects/{key}/deprovision", Role::Operator),
        ("POST", "/v1/held/approve", Role::Approver),
        ("POST", "/v1/held/reject", Role::Approver),
        ("POST", "/v1/reconcile", Role::Admin),
        ("PUT", "/v1/sources/{source}/roster", Role::Admin),
        ("POST", "/v1/licences/reclaim", Role::Admin),
        ("POST", "/v1/outcome-webhooks/{name}/enable", Role::Admin),
    ] {
        assert_eq!(role_for(method, pattern), Some(role), "{method} {pattern}");
    }
    assert_eq!(role_for("DELETE", "/v1/subjects/{key}"), None);
    assert_eq!(
        role_for("GET", "/v1/subjects/partner-portal:u-1"),
        None,
        "patterns, not paths"
    );
}

#[test]
fn every_mounted_admin_route_names_its_role_once() {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/admin/api");
    let mut mounted = Vec::new();
    for entry in std::fs::read_dir(&folder).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for line in text.lines() {
            let line = line.trim();
            for method in ["get", "post", "put", "delete", "patch"] {
                if let Some(rest) = line.strip_prefix(&format!("#[{method}(\"")) {
                    let pattern = rest.split('"').next().unwrap().to_owned();
                    mounted.push((method.to_uppercase(), pattern));
                }
            }
        }
    }
    assert!(mounted.len() >= 20, "found the routes: {mounted:?}");
    for (method, pattern) in &mounted {
        assert!(
            role_for(method, pattern).is_some(),
            "{method} {pattern} has no role in ROUTE_ROLES"
        );
    }
    assert_eq!(
        mounted.len(),
        ROUTE_ROLES.len(),
        "the table lists only mounted routes, each once"
    );
}
