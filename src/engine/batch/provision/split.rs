//! `IN` lists cut to fit Salesforce's URI limit.
//!
//! A query subrequest is a GET with its SOQL in the URI, and Salesforce takes at most 16,384
//! bytes of URI and headers in a call; a longer URI is refused with `414 URI Too Long`
//! (Salesforce Help 000386264, "Maximum number of rows returned by SOQL queries over the REST
//! API"). A batch's query over many people's keys is therefore cut into several queries of the
//! same shape, each over as many keys as fit — and over at most `most` keys, so that one
//! query's rows stay within the 2,000 a query answers at once (the same article).

use crate::salesforce::CompositeRequest;
use crate::salesforce::soql::quote;

/// A query of the shape `head IN (…) tail`, to be written over a list of values.
pub(super) struct InQuery<'a> {
    pub head: &'a str,
    pub tail: &'a str,
}

/// The queries that together ask `query` over every one of `values` (unquoted, each once),
/// each within `uri_bytes` once its URL is prefixed with `base` (`/services/data/vXX.X`) and
/// percent-encoded, and over at most `most` values. A value too long to fit even alone gets a
/// query of its own, which Salesforce refuses for that query alone.
pub(super) fn split_in(
    query: &InQuery<'_>,
    values: &[&str],
    base: usize,
    uri_bytes: usize,
    most: usize,
) -> Vec<String> {
    let fixed = base
        + CompositeRequest::query_url_bytes(&format!("{}(", query.head))
        + CompositeRequest::encoded_bytes(&format!("){}", query.tail));
    let separator = CompositeRequest::encoded_bytes(", ");
    let mut out = Vec::new();
    let mut list: Vec<String> = Vec::new();
    let mut bytes = fixed;
    for value in values {
        let quoted = quote(value);
        let cost = CompositeRequest::encoded_bytes(&quoted);
        let extra = if list.is_empty() {
            cost
        } else {
            cost + separator
        };
        if !list.is_empty() && (bytes + extra > uri_bytes || list.len() >= most.max(1)) {
            out.push(write(query, &list));
            list.clear();
            bytes = fixed;
            list.push(quoted);
            bytes += cost;
            continue;
        }
        list.push(quoted);
        bytes += extra;
    }
    if !list.is_empty() {
        out.push(write(query, &list));
    }
    out
}

fn write(query: &InQuery<'_>, list: &[String]) -> String {
    format!("{}({}){}", query.head, list.join(", "), query.tail)
}

#[cfg(test)]
mod tests;
