//! sObject rows: create, read, update, delete by id, and read, upsert, delete by external id.
//!
//! A real org reads a path value that looks like a domain (`jane@acme.inc`) as a file
//! extension and may answer 404; the simulated org decodes and accepts it, but clients should
//! never put email addresses in a path (query instead).

use actix_web::http::StatusCode;
use serde_json::{Value, json};

use super::{Call, Reply};
use crate::error::ApiError;
use crate::org::{Org, UpsertOutcome, record_url};

/// `POST /sobjects/{T}`: 201 with `Location` and the new id.
pub fn create(org: &mut Org, call: &Call, object: &str) -> Result<Reply, ApiError> {
    let body = call.record_body()?;
    let id = org.create(object, &body)?;
    Ok(created(call, object, &id))
}

/// 201 for a new record, as create and upsert answer it.
pub fn created(call: &Call, object: &str, id: &str) -> Reply {
    Reply::json(
        StatusCode::CREATED,
        json!({"id": id, "success": true, "errors": []}),
    )
    .with_header("Location", record_url(&call.version, object, id))
}

/// `GET /sobjects/{T}/{id}[?fields=A,B]`.
pub fn read(org: &mut Org, call: &Call, object: &str, segment: &str) -> Result<Reply, ApiError> {
    let id = org.resolve_path_id(object, segment)?;
    let fields = field_list(call);
    let record = org.retrieve(object, &id, fields.as_deref(), &call.version)?;
    Ok(Reply::json(StatusCode::OK, record))
}

/// `PATCH /sobjects/{T}/{id}`: 204.
pub fn update(org: &mut Org, call: &Call, object: &str, segment: &str) -> Result<Reply, ApiError> {
    let id = org.resolve_path_id(object, segment)?;
    let body = call.record_body()?;
    org.update(object, &id, &body)?;
    Ok(Reply::no_content())
}

/// `DELETE /sobjects/{T}/{id}`: 204.
pub fn delete(org: &mut Org, object: &str, segment: &str) -> Result<Reply, ApiError> {
    let id = org.resolve_path_id(object, segment)?;
    org.delete(object, &id)?;
    Ok(Reply::no_content())
}

/// `GET /sobjects/{T}/{Field}/{value}`: the record, or 300 with the matches.
pub fn read_by_external_id(
    org: &mut Org,
    call: &Call,
    object: &str,
    field: &str,
    value: &str,
) -> Result<Reply, ApiError> {
    match single_match(org, call, object, field, value)? {
        Ok(id) => {
            let fields = field_list(call);
            let record = org.retrieve(object, &id, fields.as_deref(), &call.version)?;
            Ok(Reply::json(StatusCode::OK, record))
        }
        Err(choices) => Ok(choices),
    }
}

/// `PATCH /sobjects/{T}/{Field}/{value}[?updateOnly=true]`: 201 created, 200 updated, 300
/// when several records match.
pub fn upsert(
    org: &mut Org,
    call: &Call,
    object: &str,
    field: &str,
    value: &str,
) -> Result<Reply, ApiError> {
    let body = call.record_body()?;
    let update_only = call
        .param("updateOnly")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    Ok(
        match org.upsert(object, field, value, &body, update_only)? {
            UpsertOutcome::Created(id) => {
                let mut reply = created(call, object, &id);
                if let Some(Value::Object(map)) = reply.body.as_mut() {
                    map.insert("created".into(), json!(true));
                }
                reply
            }
            UpsertOutcome::Updated(id) => Reply::json(
                StatusCode::OK,
                json!({"id": id, "success": true, "errors": [], "created": false}),
            ),
            UpsertOutcome::Multiple(ids) => multiple_choices(call, object, &ids),
        },
    )
}

/// `DELETE /sobjects/{T}/{Field}/{value}`: 204, or 300 when several records match.
pub fn delete_by_external_id(
    org: &mut Org,
    call: &Call,
    object: &str,
    field: &str,
    value: &str,
) -> Result<Reply, ApiError> {
    match single_match(org, call, object, field, value)? {
        Ok(id) => {
            org.delete(object, &id)?;
            Ok(Reply::no_content())
        }
        Err(choices) => Ok(choices),
    }
}

/// The one record with this external id; 404 when none, the 300 answer when several.
fn single_match(
    org: &Org,
    call: &Call,
    object: &str,
    field: &str,
    value: &str,
) -> Result<Result<String, Reply>, ApiError> {
    let matches = org.find_by_external_id(object, field, value)?;
    match matches.as_slice() {
        [] => Err(ApiError::resource_not_found()),
        [id] => Ok(Ok(id.clone())),
        many => Ok(Err(multiple_choices(call, object, many))),
    }
}

/// 300 Multiple Choices: the URLs of the matching records.
fn multiple_choices(call: &Call, object: &str, ids: &[String]) -> Reply {
    let urls: Vec<String> = ids
        .iter()
        .map(|id| record_url(&call.version, object, id))
        .collect();
    Reply::json(StatusCode::MULTIPLE_CHOICES, json!(urls))
}

/// `?fields=A,B` as a list.
fn field_list(call: &Call) -> Option<Vec<String>> {
    call.param("fields")
        .map(|f| f.split(',').map(|s| s.trim().to_owned()).collect())
}
