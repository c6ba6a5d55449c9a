//! The role each admin route needs, in one table: the extractor ([`super::auth`]) looks the
//! matched route up here, so a route cannot be reached without its check, and a route missing
//! from the table is refused to everyone (the test of every role on every route reads this same
//! table, and `docs/operations.md` lists it).

use crate::domain::Role;

/// One route's method, pattern (as mounted) and the role it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RouteRole {
    pub method: &'static str,
    pub pattern: &'static str,
    pub role: Role,
}

const fn route(method: &'static str, pattern: &'static str, role: Role) -> RouteRole {
    RouteRole {
        method,
        pattern,
        role,
    }
}

/// Every admin route and the role it needs. Reads are `viewer`; acting on one person or one
/// event is `operator`; releasing what the guard holds is `approver`; runs over many people
/// and the outcome webhooks' subscribers are `admin`.
pub const ROUTE_ROLES: &[RouteRole] = &[
    route("GET", "/v1/subjects", Role::Viewer),
    route("GET", "/v1/subjects/{key}", Role::Viewer),
    route("POST", "/v1/subjects/{key}/provision", Role::Operator),
    route("POST", "/v1/subjects/{key}/deprovision", Role::Operator),
    route("POST", "/v1/subjects/{key}/erase", Role::Operator),
    route("GET", "/v1/commands", Role::Viewer),
    route("GET", "/v1/commands/{id}", Role::Viewer),
    route("GET", "/v1/dead-letters", Role::Viewer),
    route("POST", "/v1/commands/{id}/replay", Role::Operator),
    route("POST", "/v1/parked/resume", Role::Operator),
    route("GET", "/v1/held", Role::Viewer),
    route("POST", "/v1/held/approve", Role::Approver),
    route("POST", "/v1/held/reject", Role::Approver),
    route("GET", "/v1/guard", Role::Viewer),
    route("GET", "/v1/inbox", Role::Viewer),
    route("GET", "/v1/inbox/{event_id}", Role::Viewer),
    route("POST", "/v1/inbox/{event_id}/replay", Role::Operator),
    route("GET", "/v1/licences", Role::Viewer),
    route("POST", "/v1/licences/reclaim", Role::Admin),
    route("POST", "/v1/retention/run", Role::Admin),
    route("POST", "/v1/reconcile", Role::Admin),
    route("GET", "/v1/reconcile", Role::Viewer),
    route("POST", "/v1/reconcile/adopt", Role::Operator),
    route("PUT", "/v1/sources/{source}/roster", Role::Admin),
    route("GET", "/v1/sources/{source}/roster", Role::Viewer),
    route(
        "GET",
        "/v1/sources/{source}/roster/runs/{run_id}",
        Role::Viewer,
    ),
    route("GET", "/v1/outcome-webhooks", Role::Viewer),
    route("GET", "/v1/outcome-webhooks/deliveries", Role::Viewer),
    route(
        "POST",
        "/v1/outcome-webhooks/{name}/deliveries/{id}/replay",
        Role::Admin,
    ),
    route("POST", "/v1/outcome-webhooks/{name}/enable", Role::Admin),
    route("GET", "/v1/audit", Role::Admin),
];

/// The role the route `method pattern` needs; `None` for a route not in the table.
pub fn role_for(method: &str, pattern: &str) -> Option<Role> {
    ROUTE_ROLES
        .iter()
        .find(|r| r.method == method && r.pattern == pattern)
        .map(|r| r.role)
}
