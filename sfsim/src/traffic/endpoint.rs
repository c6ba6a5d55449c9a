//! Naming endpoints for call counts and scripts: `GET /sobjects/{type}/{id}`.
//!
//! Data paths are named from Salesforce's own resource layout rather than from how handlers
//! happen to be routed (a catch-all route would make every sObject call look alike), so the
//! names stay the same whatever the data handlers' routing.

use super::data_path;

/// The route template of a data path (after `/services/data/vXX.X`), in Salesforce's
/// resource layout; `None` for paths outside it.
pub fn data_template(path: &str) -> Option<String> {
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let is = |s: &str, name: &str| s.eq_ignore_ascii_case(name);
    let template = match segments.as_slice() {
        [] => "/",
        [s] if is(s, "sobjects") => "/sobjects",
        [s, _] if is(s, "sobjects") => "/sobjects/{type}",
        [s, _, d] if is(s, "sobjects") && is(d, "describe") => "/sobjects/{type}/describe",
        [s, _, _] if is(s, "sobjects") => "/sobjects/{type}/{id}",
        [s, _, _, p] if is(s, "sobjects") && is(p, "password") => "/sobjects/{type}/{id}/password",
        [s, _, _, _] if is(s, "sobjects") => "/sobjects/{type}/{field}/{value}",
        [q] if is(q, "query") => "/query",
        [q, _] if is(q, "query") => "/query/{cursor}",
        [q] if is(q, "queryAll") => "/queryAll",
        [q, _] if is(q, "queryAll") => "/queryAll/{cursor}",
        [c] if is(c, "composite") => "/composite",
        [c, s] if is(c, "composite") && is(s, "sobjects") => "/composite/sobjects",
        [c, s, _] if is(c, "composite") && is(s, "sobjects") => "/composite/sobjects/{type}",
        [c, s, _, _] if is(c, "composite") && is(s, "sobjects") => {
            "/composite/sobjects/{type}/{field}"
        }
        [l] if is(l, "limits") => "/limits",
        _ => return None,
    };
    Some(template.to_owned())
}

/// The name a call is counted under: the method and the data template
/// (`GET /sobjects/{type}/{id}`), or for other paths the method and the matched route
/// (`POST /services/oauth2/token`). Paths nothing answers are counted together as
/// `(unknown)`.
pub fn endpoint_name(method: &str, path: &str, pattern: Option<&str>) -> String {
    let template = match data_path(path) {
        Some(relative) => data_template(relative),
        None => pattern
            .filter(|p| !p.starts_with(super::DATA_SCOPE))
            .map(str::to_owned),
    };
    format!("{method} {}", template.as_deref().unwrap_or("(unknown)"))
}

#[cfg(test)]
mod tests;
