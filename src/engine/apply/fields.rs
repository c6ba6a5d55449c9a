//! Record fields as the composite API takes them: a JSON object per write.

use serde_json::{Map, Value};

/// The fields of a `json!({…})` object literal (anything else is no fields).
pub(super) fn fields(value: Value) -> Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => Map::new(),
    }
}

/// One field set to one value.
pub(super) fn only(field: &str, value: Value) -> Map<String, Value> {
    let mut map = Map::new();
    map.insert(field.to_owned(), value);
    map
}
