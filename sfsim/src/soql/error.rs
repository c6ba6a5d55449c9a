//! Salesforce's wording for refused queries.
//!
//! Salesforce echoes the query row, puts a `^` under the offending token and names its position:
//! `"\nSELECT Id FORM Contact\n          ^\nERROR at Row:1:Column:11\nunexpected token: 'FORM'"`.
//! Rows and columns count from 1, columns in characters. Clients show these messages to people,
//! and some match on the codes, so both follow Salesforce.

use crate::error::ApiError;

/// Rows longer than this are cut so the echo starts [`LEAD`] characters before the error, as
/// Salesforce does for long queries rather than echoing them whole.
const WIDE_ROW: usize = 100;
const LEAD: usize = 40;

/// The echoed row, the caret line and the position line, followed by `message`.
pub fn located(text: &str, at: usize, message: &str) -> String {
    let at = floor_boundary(text, at);
    let before = &text[..at];
    let row = before.matches('\n').count() + 1;
    let row_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = text[row_start..at].chars().count() + 1;
    let row_text: &str = text[row_start..]
        .split('\n')
        .next()
        .unwrap_or_default()
        .trim_end_matches('\r');
    let skip = if row_text.chars().count() > WIDE_ROW {
        (column - 1).saturating_sub(LEAD)
    } else {
        0
    };
    let shown: String = row_text.chars().skip(skip).collect();
    let caret = " ".repeat(column - 1 - skip);
    format!("\n{shown}\n{caret}^\nERROR at Row:{row}:Column:{column}\n{message}")
}

/// `MALFORMED_QUERY` naming the token found at `at`, or `<EOF>` when the query ended early.
pub fn unexpected_token(text: &str, at: usize) -> ApiError {
    let token = token_at(text, at);
    malformed(text, at, &format!("unexpected token: '{token}'"))
}

/// `MALFORMED_QUERY` with a message of its own.
pub fn malformed(text: &str, at: usize, message: &str) -> ApiError {
    ApiError::bad_request("MALFORMED_QUERY", located(text, at, message))
}

/// `INVALID_FIELD` for a field the object does not have.
pub fn no_such_column(text: &str, at: usize, field: &str, entity: &str) -> ApiError {
    let message = format!(
        "No such column '{field}' on entity '{entity}'. If you are attempting to use a custom \
         field, be sure to append the '__c' after the custom field name. Please reference your \
         WSDL or the describe call for the appropriate names."
    );
    ApiError::bad_request("INVALID_FIELD", located(text, at, &message))
}

/// `INVALID_FIELD` for a relationship name the object does not have (`Acount.Name`).
pub fn unknown_relationship(text: &str, at: usize, relationship: &str) -> ApiError {
    let message = format!(
        "Didn't understand relationship '{relationship}' in field path. If you are attempting to \
         use a custom relationship, be sure to append the '__r' after the custom relationship \
         name. Please reference your WSDL or the describe call for the appropriate names."
    );
    ApiError::bad_request("INVALID_FIELD", located(text, at, &message))
}

/// `INVALID_TYPE` for an object the org does not have.
pub fn unsupported_object(text: &str, at: usize, object: &str) -> ApiError {
    let message = format!(
        "sObject type '{object}' is not supported. If you are attempting to use a custom object, \
         be sure to append the '__c' after the entity name. Please reference your WSDL or the \
         describe call for the appropriate names."
    );
    ApiError::bad_request("INVALID_TYPE", located(text, at, &message))
}

/// `INVALID_TYPE` for an object that exists but cannot be queried.
pub fn not_queryable(text: &str, at: usize, object: &str) -> ApiError {
    let message = format!("entity type {object} does not support query");
    ApiError::bad_request("INVALID_TYPE", located(text, at, &message))
}

/// `INVALID_FIELD` for a WHERE literal of the wrong type. Salesforce names the type it wanted
/// and whether quotes belong around it.
pub fn filter_type(text: &str, at: usize, field: &str, wanted: &str, quoted: bool) -> ApiError {
    let quotes = if quoted { "should" } else { "should not" };
    let message = format!(
        "value of filter criterion for field '{field}' must be of type {wanted} and {quotes} be \
         enclosed in quotes"
    );
    ApiError::bad_request("INVALID_FIELD", located(text, at, &message))
}

/// `INVALID_QUERY_FILTER_OPERATOR` for an operator the field's type does not take.
pub fn invalid_operator(text: &str, at: usize, type_name: &str) -> ApiError {
    let message = format!("invalid operator on {type_name} field");
    ApiError::bad_request("INVALID_QUERY_FILTER_OPERATOR", located(text, at, &message))
}

/// `INVALID_QUERY_FILTER_OPERATOR` for an id literal that is not 15 or 18 letters and digits:
/// Salesforce reports it this way rather than as `INVALID_FIELD`.
pub fn invalid_id(text: &str, at: usize, value: &str) -> ApiError {
    let message = format!("invalid ID field: {value}");
    ApiError::bad_request("INVALID_QUERY_FILTER_OPERATOR", located(text, at, &message))
}

/// `NUMBER_OUTSIDE_VALID_RANGE` for an OFFSET above 2,000.
pub fn offset_too_large(text: &str, at: usize, object: &str, max: u32) -> ApiError {
    let message = format!("Maximum SOQL offset allowed for apiName {object} is {max}");
    ApiError::bad_request("NUMBER_OUTSIDE_VALID_RANGE", located(text, at, &message))
}

/// The token Salesforce would name: a word, a quoted string, a two-character operator or a
/// single character; `<EOF>` past the end.
pub fn token_at(text: &str, at: usize) -> String {
    let rest = text[floor_boundary(text, at)..].trim_start();
    let Some(first) = rest.chars().next() else {
        return "<EOF>".to_owned();
    };
    let word = |c: char| c.is_alphanumeric() || c == '_';
    if first.is_ascii_digit() {
        // Numbers, dates and timestamps are one token to Salesforce's lexer.
        let literal = |c: char| word(c) || matches!(c, '-' | ':' | '.' | '+');
        return rest.chars().take_while(|c| literal(*c)).collect();
    }
    if word(first) {
        return rest.chars().take_while(|c| word(*c)).collect();
    }
    if first == '\'' {
        let mut escaped = false;
        for (i, c) in rest.char_indices().skip(1) {
            match c {
                '\\' if !escaped => escaped = true,
                '\'' if !escaped => return rest[..=i].to_owned(),
                _ => escaped = false,
            }
        }
        return rest.to_owned();
    }
    for pair in ["<=", ">=", "!=", "<>"] {
        if rest.starts_with(pair) {
            return pair.to_owned();
        }
    }
    first.to_string()
}

/// The largest char boundary at or before `at`, so slicing never panics on a stray offset.
fn floor_boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests;
