//! Running a checked query: filter, order, offset and limit, then records shaped as the REST
//! API prints them.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value, json};

use super::DataSource;
use super::ast::Query;
use super::eval::{matches, owner, raw_value, typed_value};
use super::plan::{Plan, SortKey};
use super::probe;
use super::resolve::FieldRef;
use super::typed::{Typed, order};
use crate::error::ApiError;
use crate::record::Record;

/// What a query answers before the API layer cuts it into batches.
#[derive(Debug, Clone, PartialEq)]
pub struct QueryResult {
    /// `totalSize`: every record the query returns across all batches, or the count for
    /// `COUNT()`.
    pub total_size: usize,
    /// The records in result order, each with `attributes` and the selected fields; empty for
    /// `COUNT()`.
    pub records: Vec<Value>,
}

/// Runs `query` as of now. `api_version` (`"68.0"` or `"v68.0"`) goes into each record's
/// `attributes.url`, as Salesforce echoes the version the caller used.
pub fn execute(
    query: &Query,
    source: &dyn DataSource,
    api_version: &str,
) -> Result<QueryResult, ApiError> {
    execute_at(query, source, api_version, Utc::now())
}

/// Runs `query` as if it were `now`, which fixes what `TODAY` and `LAST_N_DAYS:n` mean; tests
/// and the simulated clock use it.
pub fn execute_at(
    query: &Query,
    source: &dyn DataSource,
    api_version: &str,
    now: DateTime<Utc>,
) -> Result<QueryResult, ApiError> {
    let plan = Plan::build(query, source, now.date_naive())?;
    let mut found: Vec<&Record> = probe::candidates(&plan, source)
        .into_iter()
        .filter(|r| plan.filter.as_ref().is_none_or(|f| matches(f, r, source)))
        .collect();
    if !plan.sort.is_empty() {
        found = sorted(found, &plan.sort, source);
    }
    let returned = found
        .into_iter()
        .skip(plan.offset)
        .take(plan.limit.unwrap_or(usize::MAX));
    let Some(columns) = &plan.columns else {
        return Ok(QueryResult {
            total_size: returned.count(),
            records: Vec::new(),
        });
    };
    let version = version_segment(api_version);
    let records: Vec<Value> = returned
        .map(|r| project(r, columns, source, &version))
        .collect();
    Ok(QueryResult {
        total_size: records.len(),
        records,
    })
}

/// Checks `query` against the org without reading records: the unknown object, field or
/// mistyped literal a run would refuse.
pub fn check(query: &Query, source: &dyn DataSource) -> Result<(), ApiError> {
    Plan::build(query, source, Utc::now().date_naive()).map(|_| ())
}

/// The object and field a query would look its records up by (canonical spellings), so that
/// a source indexing fields on demand can index it first; `None` when the query reads every
/// record of its object, or is refused.
pub fn probed_field(query: &Query, source: &dyn DataSource) -> Option<(String, String)> {
    let plan = Plan::build(query, source, Utc::now().date_naive()).ok()?;
    probe::probed_field(&plan).map(|(object, field)| (object.to_owned(), field.to_owned()))
}

/// Orders records by the sort keys, stably, so ties keep creation order.
fn sorted<'a>(
    records: Vec<&'a Record>,
    keys: &[SortKey],
    source: &dyn DataSource,
) -> Vec<&'a Record> {
    let mut keyed: Vec<(Vec<Typed>, &Record)> = records
        .into_iter()
        .map(|r| {
            (
                keys.iter()
                    .map(|k| typed_value(r, &k.field, source))
                    .collect(),
                r,
            )
        })
        .collect();
    keyed.sort_by(|(a, _), (b, _)| {
        keys.iter()
            .zip(a.iter().zip(b))
            .map(|(key, (a, b))| by_key(key, a, b))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    });
    keyed.into_iter().map(|(_, r)| r).collect()
}

/// One key's ordering: nulls where the key puts them, whatever the direction.
fn by_key(key: &SortKey, a: &Typed, b: &Typed) -> Ordering {
    let null_side = if key.nulls_first {
        Ordering::Less
    } else {
        Ordering::Greater
    };
    match (a == &Typed::Null, b == &Typed::Null) {
        (true, true) => Ordering::Equal,
        (true, false) => null_side,
        (false, true) => null_side.reverse(),
        (false, false) if key.descending => order(a, b).reverse(),
        (false, false) => order(a, b),
    }
}

/// A record as the REST API prints it: `attributes`, then each selected field under its
/// canonical name, parents nested under their relationship name (null when the reference is
/// empty).
fn project(record: &Record, columns: &[FieldRef], source: &dyn DataSource, version: &str) -> Value {
    let mut out = Map::new();
    out.insert("attributes".into(), attributes(record, version));
    for column in columns {
        place(&mut out, record, column, 0, source, version);
    }
    Value::Object(out)
}

/// Puts one column's value into `out`, creating the parent objects on its path as needed.
fn place(
    out: &mut Map<String, Value>,
    record: &Record,
    column: &FieldRef,
    depth: usize,
    source: &dyn DataSource,
    version: &str,
) {
    let Some(hop) = column.hops.get(depth) else {
        out.insert(column.name.clone(), raw_value(record, &column.name));
        return;
    };
    let parent = owner(record, std::slice::from_ref(hop), source);
    let slot = out
        .entry(hop.relationship.clone())
        .or_insert_with(|| match parent {
            Some(p) => json!({ "attributes": attributes(p, version) }),
            None => Value::Null,
        });
    if let (Value::Object(nested), Some(parent)) = (slot, parent) {
        place(nested, parent, column, depth + 1, source, version);
    }
}

fn attributes(record: &Record, version: &str) -> Value {
    json!({
        "type": record.object,
        "url": format!("/services/data/{version}/sobjects/{}/{}", record.object, record.id),
    })
}

/// `68.0` and `v68.0` both print as `v68.0`.
fn version_segment(api_version: &str) -> String {
    let bare = api_version.trim().trim_start_matches(['v', 'V']);
    format!("v{bare}")
}
