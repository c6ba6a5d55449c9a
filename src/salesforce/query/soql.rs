//! Putting values into SOQL safely.
//!
//! SOQL has no bind parameters over REST, so values are written into the query text. A value
//! becomes a quoted string literal with Salesforce's escapes: `\\` and `\'` stop it from ending
//! the literal early (the whole of SOQL injection), and line breaks, tabs, backspace, form feed
//! and `"` are written as their escapes so the query stays on one readable line.

/// `value` as a SOQL string literal, quotes included, for `WHERE Field = …` and `IN (…)`.
/// Not for `LIKE`, where `%` and `_` would still be wildcards.
pub fn quote(value: &str) -> String {
    let mut quoted = String::with_capacity(value.len() + 2);
    quoted.push('\'');
    for c in value.chars() {
        match c {
            '\\' => quoted.push_str("\\\\"),
            '\'' => quoted.push_str("\\'"),
            '"' => quoted.push_str("\\\""),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            '\u{8}' => quoted.push_str("\\b"),
            '\u{c}' => quoted.push_str("\\f"),
            other => quoted.push(other),
        }
    }
    quoted.push('\'');
    quoted
}

/// Several values as the inside of an `IN (…)` list: `'a', 'b'`.
pub fn quote_list<'a>(values: impl IntoIterator<Item = &'a str>) -> String {
    values.into_iter().map(quote).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests;
