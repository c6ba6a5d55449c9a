//! Composite requests: up to 25 subrequests in one API call, later ones reading earlier
//! results through `@{referenceId.field}`.
//!
//! Salesforce's limits are checked here, before anything is sent: at most 25 subrequests, of
//! which at most 5 are queries or sObject Collections (a GET by id or by external id is
//! neither). The composite answers 200 whatever its subrequests did; each subresponse has its
//! own status and body.

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};
use serde_json::{Map, Value, json};

use super::reference::RecordRef;
use crate::salesforce::transport::DataPaths;

/// Most subrequests in one composite.
pub const MAX_SUBREQUESTS: usize = 25;
/// Most query or sObject Collections subrequests in one composite.
pub const MAX_QUERIES: usize = 5;

/// What a subrequest counts as, against the five-query rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Query,
    Record,
}

/// One subrequest. The URL is kept relative to `/services/data/vXX.X`; the client adds the
/// version when it sends.
#[derive(Debug, Clone)]
pub struct Subrequest {
    pub(crate) method: &'static str,
    pub(crate) relative_url: String,
    pub(crate) reference_id: String,
    pub(crate) body: Option<Value>,
    pub(crate) kind: Kind,
}

impl Subrequest {
    /// The reference id later subrequests use.
    pub fn reference_id(&self) -> &str {
        &self.reference_id
    }
}

/// A composite request being built.
#[derive(Debug, Clone)]
pub struct CompositeRequest {
    pub(crate) all_or_none: bool,
    pub(crate) subrequests: Vec<Subrequest>,
}

/// Characters encoded in a query subrequest's `q`: those that would end or change the query
/// string. `@ { } [ ] .` stay, so references such as `'@{contact.id}'` work as Salesforce's
/// own examples write them.
const QUERY_VALUE: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'&')
    .add(b'+')
    .add(b'<')
    .add(b'>')
    .add(b'=')
    .add(b'?')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'|');

impl CompositeRequest {
    /// `all_or_none`: roll everything back when one subrequest fails. Keep setup objects (User)
    /// and others (Contact, Account) out of one all-or-none request: `MIXED_DML_OPERATION`.
    pub fn new(all_or_none: bool) -> Self {
        CompositeRequest {
            all_or_none,
            subrequests: Vec::new(),
        }
    }

    /// Subrequests so far.
    pub fn subrequests(&self) -> &[Subrequest] {
        &self.subrequests
    }

    /// Reads a record by id (`fields` empty: all fields).
    pub fn get(
        &mut self,
        reference_id: &str,
        sobject: &str,
        id: impl Into<RecordRef>,
        fields: &[&str],
    ) -> &mut Self {
        let url = record_url(sobject, &id.into()) + &DataPaths::fields_query(fields);
        self.push(reference_id, "GET", url, None, Kind::Record)
    }

    /// Reads a record by external id; not a query for the five-query rule.
    pub fn get_by_external_id(
        &mut self,
        reference_id: &str,
        sobject: &str,
        field: &str,
        value: &str,
        fields: &[&str],
    ) -> &mut Self {
        let url = DataPaths::unversioned().external(sobject, field, value)
            + &DataPaths::fields_query(fields);
        self.push(reference_id, "GET", url, None, Kind::Record)
    }

    /// Describes an object (`/sobjects/{type}/describe`): the fields the caller can see, so a
    /// field missing from the answer is either not created or hidden by field-level security.
    /// Not a query for the five-query rule.
    pub fn describe(&mut self, reference_id: &str, sobject: &str) -> &mut Self {
        let url = format!("{}/describe", DataPaths::unversioned().sobject(sobject));
        self.push(reference_id, "GET", url, None, Kind::Record)
    }

    /// Creates a record; later subrequests read its id as `@{reference_id.id}`.
    pub fn create(
        &mut self,
        reference_id: &str,
        sobject: &str,
        fields: Map<String, Value>,
    ) -> &mut Self {
        let url = DataPaths::unversioned().sobject(sobject);
        self.push(
            reference_id,
            "POST",
            url,
            Some(Value::Object(fields)),
            Kind::Record,
        )
    }

    /// Updates a record by id or by reference.
    pub fn update(
        &mut self,
        reference_id: &str,
        sobject: &str,
        id: impl Into<RecordRef>,
        fields: Map<String, Value>,
    ) -> &mut Self {
        let url = record_url(sobject, &id.into());
        self.push(
            reference_id,
            "PATCH",
            url,
            Some(Value::Object(fields)),
            Kind::Record,
        )
    }

    /// Creates or updates by external id (201 / 200 / 300 in the subresponse).
    pub fn upsert_by_external_id(
        &mut self,
        reference_id: &str,
        sobject: &str,
        field: &str,
        value: &str,
        fields: Map<String, Value>,
    ) -> &mut Self {
        let url = DataPaths::unversioned().external(sobject, field, value);
        self.push(
            reference_id,
            "PATCH",
            url,
            Some(Value::Object(fields)),
            Kind::Record,
        )
    }

    /// Resets a user's password (`DELETE /sobjects/User/{id}/password`), which makes Salesforce
    /// email them a reset link. The composite takes every sObject resource but sObject Blob
    /// Get ("Send Multiple Requests Using Composite", REST API Developer Guide), and this one is
    /// an sObject resource ("sObject User Password"); not a query for the five-query rule.
    pub fn reset_password(&mut self, reference_id: &str, user_id: &str) -> &mut Self {
        let url = DataPaths::unversioned().password(user_id);
        self.push(reference_id, "DELETE", url, None, Kind::Record)
    }

    /// A SOQL query; counts against the five. References to earlier subrequests may appear
    /// in it (`WHERE ContactId = '@{contact.id}'`); values go in through `soql::quote`.
    pub fn query(&mut self, reference_id: &str, soql: &str) -> &mut Self {
        let url = format!("/query?q={}", utf8_percent_encode(soql, QUERY_VALUE));
        self.push(reference_id, "GET", url, None, Kind::Query)
    }

    /// Bytes of a query subrequest's URL below the version's base (`/query?q=…`), percent-encoded
    /// as [`CompositeRequest::query`] sends it: Salesforce refuses a GET whose URI is longer
    /// than 16,384 bytes.
    pub fn query_url_bytes(soql: &str) -> usize {
        "/query?q=".len() + Self::encoded_bytes(soql)
    }

    /// Bytes of `text` percent-encoded as a query's `q` is; additive, so a list's length is the
    /// sum of its parts'.
    pub fn encoded_bytes(text: &str) -> usize {
        utf8_percent_encode(text, QUERY_VALUE).map(str::len).sum()
    }

    fn push(
        &mut self,
        reference_id: &str,
        method: &'static str,
        relative_url: String,
        body: Option<Value>,
        kind: Kind,
    ) -> &mut Self {
        self.subrequests.push(Subrequest {
            method,
            relative_url,
            reference_id: reference_id.to_owned(),
            body,
            kind,
        });
        self
    }

    /// Checks Salesforce's rules that can be checked without asking it: the counts, reference
    /// ids (a letter, then letters, digits, `_`; unique) and that every `@{name.…}` names an
    /// earlier subrequest. The message says what to change.
    pub fn check(&self) -> Result<(), String> {
        let total = self.subrequests.len();
        if total == 0 {
            return Err("a composite needs at least one subrequest".into());
        }
        if total > MAX_SUBREQUESTS {
            return Err(format!(
                "{total} subrequests; a composite takes at most {MAX_SUBREQUESTS}: split it"
            ));
        }
        let queries = self
            .subrequests
            .iter()
            .filter(|s| s.kind == Kind::Query)
            .count();
        if queries > MAX_QUERIES {
            return Err(format!(
                "{queries} queries; a composite takes at most {MAX_QUERIES} queries or sObject Collections: read by external id instead, or split it"
            ));
        }
        let mut earlier: Vec<&str> = Vec::with_capacity(total);
        for sub in &self.subrequests {
            let id = sub.reference_id.as_str();
            let valid = id.starts_with(|c: char| c.is_ascii_alphabetic())
                && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            if !valid {
                return Err(format!(
                    "reference id {id:?} must start with a letter and hold only letters, digits and _"
                ));
            }
            if earlier.contains(&id) {
                return Err(format!("reference id {id:?} is used twice"));
            }
            let mut texts = vec![sub.relative_url.as_str()];
            if let Some(body) = &sub.body {
                collect_strings(body, &mut texts);
            }
            for text in texts {
                for name in referenced_names(text) {
                    if !earlier.contains(&name) {
                        return Err(format!(
                            "subrequest {id:?} refers to @{{{name}.…}}, which is not an earlier subrequest; Salesforce would refuse the whole composite"
                        ));
                    }
                }
            }
            earlier.push(id);
        }
        Ok(())
    }

    /// The JSON body, with each URL under `base` (`/services/data/v68.0`).
    ///
    /// `collateSubrequests` is always false: from API 49.0 it defaults to true, and Salesforce
    /// may then group unrelated subrequests of one method on `/sobjects` and run them in any
    /// order (Composite Request Body, REST API Developer Guide). Gatehouse's writes rely on the
    /// order they are sent in, e.g. the Contact, User and `UserLogin` updates of a provision.
    pub(crate) fn body(&self, base: &str) -> Value {
        let subrequests: Vec<Value> = self
            .subrequests
            .iter()
            .map(|s| {
                let mut sub = json!({
                    "method": s.method,
                    "url": format!("{base}{}", s.relative_url),
                    "referenceId": s.reference_id,
                });
                if let Some(body) = &s.body {
                    sub["body"] = body.clone();
                }
                sub
            })
            .collect();
        json!({
            "allOrNone": self.all_or_none,
            "collateSubrequests": false,
            "compositeRequest": subrequests,
        })
    }
}

/// `/sobjects/{type}/{id}`, the id encoded or a reference verbatim.
fn record_url(sobject: &str, id: &RecordRef) -> String {
    format!(
        "{}/{}",
        DataPaths::unversioned().sobject(sobject),
        id.in_path()
    )
}

fn collect_strings<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::String(s) => out.push(s),
        Value::Array(items) => items.iter().for_each(|v| collect_strings(v, out)),
        Value::Object(fields) => fields.values().for_each(|v| collect_strings(v, out)),
        _ => {}
    }
}

/// The reference ids named by `@{name.…}` or `@{name}` in a text.
fn referenced_names(text: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("@{") {
        rest = &rest[at + 2..];
        let end = rest.find(['.', '}', '[']).unwrap_or(rest.len());
        names.push(&rest[..end]);
    }
    names
}

#[cfg(test)]
mod tests;
