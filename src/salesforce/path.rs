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
mod tests {
    use super::*;

    #[test]
    fn values_stay_one_segment_whatever_they_contain() {
        assert_eq!(segment("acme/42 b"), "acme%2F42%20b");
        assert_eq!(segment("a?b#c%d"), "a%3Fb%23c%25d");
        assert_eq!(segment("K-101_x.y~z"), "K-101_x.y~z");
        assert_eq!(segment(".."), "%2E%2E");
        assert_eq!(segment("."), "%2E");
        assert_eq!(segment("..."), "...");
        assert_eq!(segment("Zoë"), "Zo%C3%AB");
        assert_eq!(segment("@{ref.id}"), "%40%7Bref.id%7D");
        assert_eq!(segment(""), "");
    }

    #[test]
    fn encoded_segments_decode_back_to_the_value() {
        for value in [
            "acme/42 b",
            "50%/50%",
            "a+b=c&d",
            "ünï/cödé",
            "\u{0}\n",
            "../..",
        ] {
            let encoded = segment(value);
            assert!(!encoded.contains('/'), "{encoded}");
            let decoded = percent_encoding::percent_decode_str(&encoded)
                .decode_utf8()
                .unwrap();
            assert_eq!(decoded, value);
        }
    }

    #[test]
    fn endpoint_templates_keep_object_names_and_drop_ids_and_keys() {
        let paths = DataPaths::new("68.0");
        let cases = [
            (paths.record("Contact", "003x"), "/sobjects/Contact/{id}"),
            (paths.sobject("User"), "/sobjects/User"),
            (
                paths.external("Contact", "Gatehouse_Key__c", "partner-portal:4711"),
                "/sobjects/Contact/Gatehouse_Key__c/{value}",
            ),
            (paths.password("005x"), "/sobjects/User/{id}/password"),
            (format!("{}?q=SELECT+Email", paths.query()), "/query"),
            (
                "/services/data/v68.0/query/01gx-2000".to_owned(),
                "/query/{cursor}",
            ),
            (paths.composite(), "/composite"),
            (paths.collections(), "/composite/sobjects"),
            (
                paths.collections_upsert("Contact", "Gatehouse_Key__c"),
                "/composite/sobjects/Contact/Gatehouse_Key__c",
            ),
            (paths.limits(), "/limits"),
            (paths.sobject("a b"), "/sobjects/{type}"),
            ("/services/oauth2/token".to_owned(), "other"),
            ("/services/data/v68.0/x/y/z/w/v".to_owned(), "other"),
        ];
        for (path, template) in cases {
            assert_eq!(endpoint_template(&path), template, "{path}");
        }
    }

    #[test]
    fn paths_put_each_piece_in_its_place() {
        let paths = DataPaths::new("68.0");
        assert_eq!(
            paths.record("Contact", "003000000000001AAA"),
            "/services/data/v68.0/sobjects/Contact/003000000000001AAA"
        );
        assert_eq!(
            paths.external("Contact", "Gatehouse_Key__c", "partner portal/4711"),
            "/services/data/v68.0/sobjects/Contact/Gatehouse_Key__c/partner%20portal%2F4711"
        );
        assert_eq!(
            paths.password("005x"),
            "/services/data/v68.0/sobjects/User/005x/password"
        );
        assert_eq!(
            paths.collections_upsert("Contact", "Gatehouse_Key__c"),
            "/services/data/v68.0/composite/sobjects/Contact/Gatehouse_Key__c"
        );
        assert_eq!(DataPaths::fields_query(&["Id", "Name"]), "?fields=Id,Name");
        assert_eq!(DataPaths::fields_query(&[]), "");
    }
}
