//! Collation: with `collateSubrequests` on (the default from API 49.0), Salesforce may group
//! unrelated subrequests to bulkify them, and then their order of execution is not guaranteed.
//! Subrequests can be collated when they use the same HTTP method and API version, name a
//! resource under `/sobjects`, carry no HTTP headers, and a grouping spans at most five
//! sObject types; one that refers to another through `@{ref}` runs after it (Composite
//! Request Body, REST API Developer Guide).
//!
//! The model: each collatable subrequest joins a group of its method and version (a new group
//! once five sObject types are in it). Two subrequests keep their sent order unless they are in
//! the same group and the later does not refer to the earlier; among the orders that allow,
//! one is drawn from the org's collation dice.

use serde_json::{Map, Value};

use super::Subrequest;
use crate::org::CollationDice;

/// Most sObject types in one grouping of collated subrequests.
const MAX_TYPES_PER_GROUP: usize = 5;

/// First API version whose composite collates when the body does not say.
const FIRST_COLLATING_VERSION: u32 = 49;

/// Whether this composite collates: `collateSubrequests` when given, else from 49.0 on.
pub(super) fn collates(body: &Map<String, Value>, version: &str) -> bool {
    match body.get("collateSubrequests").and_then(Value::as_bool) {
        Some(flag) => flag,
        None => major(version) >= FIRST_COLLATING_VERSION,
    }
}

fn major(version: &str) -> u32 {
    version
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0)
}

/// The order to run the subrequests in, as indexes into `subs`.
pub(super) fn execution_order(subs: &[Subrequest], dice: &mut CollationDice) -> Vec<usize> {
    let groups = groups(subs);
    let refers: Vec<Vec<&str>> = subs.iter().map(referenced_names).collect();
    // `earlier` must run before `later` (both indexes, earlier < later in the sent order).
    let must_precede = |earlier: usize, later: usize| {
        let same_group = groups[earlier].is_some() && groups[earlier] == groups[later];
        let refers_back = refers[later].contains(&subs[earlier].reference_id.as_str());
        !same_group || refers_back
    };
    let mut done = vec![false; subs.len()];
    let mut order = Vec::with_capacity(subs.len());
    while order.len() < subs.len() {
        // Never empty: the first subrequest not yet run has every earlier one run.
        let ready: Vec<usize> = (0..subs.len())
            .filter(|&i| !done[i] && (0..i).all(|j| done[j] || !must_precede(j, i)))
            .collect();
        let next = ready[dice.pick(ready.len())];
        done[next] = true;
        order.push(next);
    }
    order
}

/// The collation group of each subrequest; `None` where it cannot be collated.
fn groups(subs: &[Subrequest]) -> Vec<Option<usize>> {
    // Open groups: method, version, the sObject types in it, and the group's number.
    let mut open: Vec<(String, String, Vec<String>, usize)> = Vec::new();
    let mut next_group = 0;
    subs.iter()
        .map(|sub| {
            let (version, sobject) = collatable_target(sub)?;
            let method = sub.method.as_str().to_owned();
            let slot = open
                .iter()
                .position(|(m, v, _, _)| *m == method && *v == version);
            let fits =
                |types: &Vec<String>| types.contains(&sobject) || types.len() < MAX_TYPES_PER_GROUP;
            match slot {
                Some(i) if fits(&open[i].2) => {
                    if !open[i].2.contains(&sobject) {
                        open[i].2.push(sobject);
                    }
                    Some(open[i].3)
                }
                _ => {
                    if let Some(i) = slot {
                        open.remove(i);
                    }
                    open.push((method, version, vec![sobject], next_group));
                    next_group += 1;
                    Some(next_group - 1)
                }
            }
        })
        .collect()
}

/// The API version and sObject type of a subrequest that may be collated: no headers, and a
/// URL `/services/data/vXX.X/sobjects/{Type}…`.
fn collatable_target(sub: &Subrequest) -> Option<(String, String)> {
    if !sub.headers.is_empty() {
        return None;
    }
    let path = sub.url.split('?').next().unwrap_or_default();
    let mut parts = path.strip_prefix("/services/data/")?.split('/');
    let version = parts.next()?.to_owned();
    if parts.next()? != "sobjects" {
        return None;
    }
    let sobject = parts.next().filter(|s| !s.is_empty())?.to_owned();
    Some((version, sobject))
}

/// The reference ids a subrequest names through `@{name…}` in its URL or body.
fn referenced_names(sub: &Subrequest) -> Vec<&str> {
    let mut texts = vec![sub.url.as_str()];
    if let Some(body) = &sub.body {
        collect_strings(body, &mut texts);
    }
    let mut names = Vec::new();
    for text in texts {
        let mut rest = text;
        while let Some(at) = rest.find("@{") {
            rest = &rest[at + 2..];
            let end = rest.find(['.', '}', '[']).unwrap_or(rest.len());
            names.push(&rest[..end]);
        }
    }
    names
}

fn collect_strings<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::String(s) => out.push(s),
        Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        Value::Object(fields) => fields.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests;
