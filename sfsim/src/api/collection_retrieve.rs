//! sObject Collections' retrieve: `GET /composite/sobjects/{T}?ids=…&fields=…` and the same
//! as `POST` with `{"ids": […], "fields": […]}` for lists too long for a URL. Clients reach
//! for it to read several records in one call (jsforce's `retrieve([ids])` always does).

use actix_web::http::StatusCode;
use serde_json::Value;

use super::body::as_object;
use super::{Call, Reply};
use crate::error::ApiError;
use crate::org::Org;

/// Ids one call may name: Salesforce's documented limit for the `POST` form.
const MAX_IDS: usize = 2000;

/// Answers a retrieve: one record or `null` per id, in the order asked.
pub fn retrieve(org: &Org, call: &Call, object: &str) -> Result<Reply, ApiError> {
    let (ids, fields) = if call.is_read() {
        (
            comma_list(call.param("ids")),
            comma_list(call.param("fields")),
        )
    } else {
        let body = as_object(call.json()?, "SObjectCollectionRetrieve")?;
        (string_list(&body, "ids")?, string_list(&body, "fields")?)
    };
    if ids.is_empty() || fields.is_empty() {
        return Err(ApiError::bad_request(
            "MISSING_ARGUMENT",
            "Both ids and fields are required to retrieve records",
        ));
    }
    if ids.len() > MAX_IDS {
        return Err(ApiError::bad_request(
            "EXCEEDED_ID_LIMIT",
            format!("Too many ids: at most {MAX_IDS} records can be retrieved in one call"),
        ));
    }
    let records = org.retrieve_many(object, &ids, &fields, &call.version)?;
    Ok(Reply::json(StatusCode::OK, Value::Array(records)))
}

/// `a,b,c` as a list, blanks dropped.
fn comma_list(value: Option<&str>) -> Vec<String> {
    value
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A list of strings in the body; absent is empty, anything else is refused.
fn string_list(body: &serde_json::Map<String, Value>, name: &str) -> Result<Vec<String>, ApiError> {
    let Some(value) = body.get(name) else {
        return Ok(Vec::new());
    };
    value
        .as_array()
        .and_then(|items| {
            items
                .iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
        })
        .ok_or_else(|| {
            ApiError::bad_request(
                "JSON_PARSER_ERROR",
                format!("{name}: a list of strings is expected"),
            )
        })
}
