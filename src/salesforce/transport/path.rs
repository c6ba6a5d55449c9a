//! Data API paths, with every piece that comes from data percent-encoded.
//!
//! Ids, external-id values and type names end up in URL paths. A subject key such as
//! `acme/42 b` must stay one path segment: `/` becomes `%2F`, a space `%20`, and `?` or `#`
//! cannot start a query or a fragment. Only RFC 3986's unreserved characters go unencoded.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything but `A-Z a-z 0-9 - . _ ~` is encoded.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// One path segment, percent-encoded. `.` and `..` alone are encoded too, so a value can never
/// walk up the path.
pub fn segment(value: &str) -> String {
    match value {
        "." => "%2E".to_owned(),
        ".." => "%2E%2E".to_owned(),
        _ => utf8_percent_encode(value, SEGMENT).to_string(),
    }
}

/// The data API's paths for one API version: `/services/data/v68.0/…`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataPaths {
    base: String,
}

impl DataPaths {
    /// `version` as configured, e.g. `68.0`.
    pub fn new(version: &str) -> Self {
        DataPaths {
            base: format!("/services/data/v{}", segment(version)),
        }
    }

    /// Paths without the version prefix, as composite subrequests are built before the client
    /// adds it.
    pub(crate) fn unversioned() -> Self {
        DataPaths {
            base: String::new(),
        }
    }

    /// `/services/data/vXX.X`.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// `…/sobjects/{type}`.
    pub fn sobject(&self, sobject: &str) -> String {
        format!("{}/sobjects/{}", self.base, segment(sobject))
    }

    /// `…/sobjects/{type}/{id}`.
    pub fn record(&self, sobject: &str, id: &str) -> String {
        format!("{}/{}", self.sobject(sobject), segment(id))
    }

    /// `…/sobjects/{type}/{field}/{value}`: a record by external id.
    pub fn external(&self, sobject: &str, field: &str, value: &str) -> String {
        format!(
            "{}/{}/{}",
            self.sobject(sobject),
            segment(field),
            segment(value)
        )
    }

    /// `…/sobjects/User/{id}/password`.
    pub fn password(&self, user_id: &str) -> String {
        format!("{}/password", self.record("User", user_id))
    }

    /// `…/query`.
    pub fn query(&self) -> String {
        format!("{}/query", self.base)
    }

    /// `…/composite`.
    pub fn composite(&self) -> String {
        format!("{}/composite", self.base)
    }

    /// `…/composite/sobjects`.
    pub fn collections(&self) -> String {
        format!("{}/composite/sobjects", self.base)
    }

    /// `…/composite/sobjects/{type}/{field}`: collection upsert by external id.
    pub fn collections_upsert(&self, sobject: &str, field: &str) -> String {
        format!(
            "{}/{}/{}",
            self.collections(),
            segment(sobject),
            segment(field)
        )
    }

    /// `…/limits`.
    pub fn limits(&self) -> String {
        format!("{}/limits", self.base)
    }

    /// `?fields=A,B` for a record read; empty when no fields are named (all fields).
    pub fn fields_query(fields: &[&str]) -> String {
        if fields.is_empty() {
            return String::new();
        }
        let list: Vec<String> = fields.iter().map(|f| segment(f)).collect();
        format!("?fields={}", list.join(","))
    }
}

/// A data API path with every id, key and cursor replaced by a placeholder, for metrics and
/// spans: `/services/data/v68.0/sobjects/Contact/003…` becomes `/sobjects/Contact/{id}`. Object
/// and field names stay (they come from code and config, not from people); a name that is not
/// a plain API name becomes a placeholder too, so the set of templates stays small.
pub fn endpoint_template(path: &str) -> String {
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let Some(rest) = path.strip_prefix("/services/data/") else {
        return "other".to_owned();
    };
    let rest = rest.split_once('/').map_or("", |(_, rest)| rest);
    let name = |n: &str, placeholder: &str| {
        let plain = !n.is_empty()
            && n.len() <= 80
            && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if plain {
            n.to_owned()
        } else {
            placeholder.to_owned()
        }
    };
    let parts: Vec<&str> = rest.split('/').collect();
    match parts.as_slice() {
        [""] => "/".to_owned(),
        ["sobjects", t] => format!("/sobjects/{}", name(t, "{type}")),
        ["sobjects", t, _] => format!("/sobjects/{}/{{id}}", name(t, "{type}")),
        ["sobjects", "User", _, "password"] => "/sobjects/User/{id}/password".to_owned(),
        ["sobjects", t, field, _] => format!(
            "/sobjects/{}/{}/{{value}}",
            name(t, "{type}"),
            name(field, "{field}")
        ),
        ["query"] => "/query".to_owned(),
        ["query", _] => "/query/{cursor}".to_owned(),
        ["composite"] => "/composite".to_owned(),
        ["composite", "sobjects"] => "/composite/sobjects".to_owned(),
        ["composite", "sobjects", t, field] => format!(
            "/composite/sobjects/{}/{}",
            name(t, "{type}"),
            name(field, "{field}")
        ),
        ["limits"] => "/limits".to_owned(),
        _ => "other".to_owned(),
    }
}

#[cfg(test)]
mod tests;
