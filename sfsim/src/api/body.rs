//! Request bodies and paths as Salesforce reads them: JSON only, with its parser's error
//! wording, and percent-decoded path segments.

use serde_json::{Map, Value};

use crate::error::ApiError;

/// The body as JSON; an empty or malformed body is `JSON_PARSER_ERROR`.
pub fn parse_value(bytes: &[u8]) -> Result<Value, ApiError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "JSON_PARSER_ERROR",
            "The HTTP entity body is required, but this request has no entity body.",
        ));
    }
    serde_json::from_slice(bytes).map_err(|e| {
        ApiError::bad_request(
            "JSON_PARSER_ERROR",
            format!(
                "Unexpected character in JSON: {} at [line:{}, column:{}]",
                describe(&e),
                e.line(),
                e.column()
            ),
        )
    })
}

/// A JSON value that must be an object.
pub fn as_object(value: Value, what: &str) -> Result<Map<String, Value>, ApiError> {
    match value {
        Value::Object(map) => Ok(map),
        other => Err(ApiError::bad_request(
            "JSON_PARSER_ERROR",
            format!(
                "Cannot deserialize instance of {what} from {} value {} or request may be missing a required field at [line:1, column:1]",
                token(&other),
                start(&other)
            ),
        )),
    }
}

fn describe(error: &serde_json::Error) -> String {
    // serde_json appends " at line L column C"; the position is reported separately.
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

fn token(value: &Value) -> &'static str {
    match value {
        Value::Array(_) => "START_ARRAY",
        Value::String(_) => "VALUE_STRING",
        Value::Number(_) => "VALUE_NUMBER_INT",
        Value::Bool(true) => "VALUE_TRUE",
        Value::Bool(false) => "VALUE_FALSE",
        Value::Null => "VALUE_NULL",
        Value::Object(_) => "START_OBJECT",
    }
}

fn start(value: &Value) -> String {
    match value {
        Value::Array(_) => "[".to_owned(),
        Value::Object(_) => "{".to_owned(),
        other => other.to_string(),
    }
}

/// One path segment, percent-decoded (`jane%40acme.com` → `jane@acme.com`).
pub fn decode_segment(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment)
        .decode_utf8_lossy()
        .into_owned()
}

/// Query-string parameters, decoded (`+` is a space, as in a form).
pub fn query_pairs(query: &str) -> Vec<(String, String)> {
    url::form_urlencoded::parse(query.as_bytes())
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[cfg(test)]
mod tests;
