//! sObject Collections: up to 200 records per call, one SaveResult per record in order, with
//! `statusCode` (not `errorCode`) in the errors. `allOrNone` rolls every record back when one
//! fails.

use actix_web::http::StatusCode;
use serde_json::{Map, Value, json};

use super::body::as_object;
use super::{Call, Reply};
use crate::access::{Access, Operation};
use crate::error::ApiError;
use crate::ids;
use crate::org::{Org, UpsertOutcome};

/// Records per call.
const MAX_RECORDS: usize = 200;

/// A record that was saved: its id, and for upserts whether it was created.
struct Saved {
    id: String,
    created: Option<bool>,
}

/// The outcome of one record: saved, or refused (with the id when it is known).
type Outcome = Result<Saved, (Option<String>, ApiError)>;

/// `POST /composite/sobjects`: creates records of any types.
pub fn create(org: &mut Org, call: &Call, access: Option<&Access>) -> Result<Reply, ApiError> {
    let (all_or_none, records) = request(call)?;
    let outcomes = each(org, all_or_none, &records, |org, record| {
        let object = record_type(record).map_err(|e| (None, e))?;
        permit(access, &object, Operation::Create, record).map_err(|e| (None, e))?;
        org.create(&object, record)
            .map(|id| Saved { id, created: None })
            .map_err(|e| (None, e))
    });
    Ok(answer(outcomes))
}

/// `PATCH /composite/sobjects`: updates records by their `Id`.
pub fn update(org: &mut Org, call: &Call, access: Option<&Access>) -> Result<Reply, ApiError> {
    let (all_or_none, records) = request(call)?;
    let outcomes = each(org, all_or_none, &records, |org, record| {
        let object = record_type(record).map_err(|e| (None, e))?;
        // Field names are case-insensitive: jsforce, for one, sends the id as `id`.
        let id = record
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("Id"))
            .and_then(|(_, v)| v.as_str())
            .map(str::to_owned);
        let Some(id) = id else {
            return Err((
                None,
                ApiError::bad_request("MISSING_ARGUMENT", "Id not specified in an update call"),
            ));
        };
        permit(access, &object, Operation::Edit, record).map_err(|e| (Some(id.clone()), e))?;
        org.update(&object, &id, record)
            .map(|()| Saved {
                id: ids::to18(&id).unwrap_or_else(|| id.clone()),
                created: None,
            })
            .map_err(|e| (Some(id), not_found_as_cross_reference(e)))
    });
    Ok(answer(outcomes))
}

/// `DELETE /composite/sobjects?ids=…[&allOrNone=true]`.
pub fn delete(org: &mut Org, call: &Call, access: Option<&Access>) -> Result<Reply, ApiError> {
    let ids_param = call.param("ids").unwrap_or_default();
    let wanted: Vec<Value> = ids_param
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| json!(s))
        .collect();
    check_count(wanted.len())?;
    let all_or_none = call
        .param("allOrNone")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"));
    let records: Vec<Map<String, Value>> = wanted
        .into_iter()
        .map(|id| {
            let mut map = Map::new();
            map.insert("Id".into(), id);
            map
        })
        .collect();
    let outcomes = each(org, all_or_none, &records, |org, record| {
        let id = record
            .get("Id")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        let object = ids::to18(&id)
            .and_then(|i| ids::key_prefix(&i).map(str::to_owned))
            .and_then(|prefix| {
                org.schema
                    .object_by_key_prefix(&prefix)
                    .map(|o| o.name.clone())
            });
        let Some(object) = object else {
            return Err((
                Some(id.clone()),
                ApiError::bad_request("MALFORMED_ID", format!("malformed id {id}")),
            ));
        };
        permit(access, &object, Operation::Delete, &Map::new())
            .map_err(|e| (Some(id.clone()), e))?;
        org.delete(&object, &id)
            .map(|()| Saved {
                id: ids::to18(&id).unwrap_or_else(|| id.clone()),
                created: None,
            })
            .map_err(|e| (Some(id), not_found_as_cross_reference(e)))
    });
    Ok(answer(outcomes))
}

/// The caller's permission for one record: each record of a collection is refused on its own,
/// as Salesforce answers them one by one.
fn permit(
    access: Option<&Access>,
    object: &str,
    operation: Operation,
    record: &Map<String, Value>,
) -> Result<(), ApiError> {
    let Some(access) = access else {
        return Ok(());
    };
    access.require(object, operation)?;
    let fields = record
        .keys()
        .map(String::as_str)
        .filter(|f| *f != "attributes" && !f.eq_ignore_ascii_case("Id"));
    access.require_writable(object, fields)
}

/// `PATCH /composite/sobjects/{T}/{ExtField}`: upserts records of one type by external id.
pub fn upsert(org: &mut Org, call: &Call, object: &str, field: &str) -> Result<Reply, ApiError> {
    // An unknown or non-external field refuses the whole request, as for a single upsert.
    org.find_by_external_id(object, field, "")?;
    let (all_or_none, records) = request(call)?;
    let outcomes = each(org, all_or_none, &records, |org, record| {
        if let Some(given) = record
            .get("attributes")
            .and_then(|a| a.get("type"))
            .and_then(Value::as_str)
            && !given.eq_ignore_ascii_case(object)
        {
            return Err((
                None,
                ApiError::bad_request(
                    "INVALID_TYPE",
                    format!("Record type {given} does not match the request's type {object}"),
                ),
            ));
        }
        let key = record
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(field))
            .and_then(|(_, v)| match v {
                Value::String(s) if !s.is_empty() => Some(s.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            });
        let Some(key) = key else {
            return Err((
                None,
                ApiError::bad_request("MISSING_ARGUMENT", format!("{field} not specified")),
            ));
        };
        match org.upsert(object, field, &key, record, false) {
            Ok(UpsertOutcome::Created(id)) => Ok(Saved {
                id,
                created: Some(true),
            }),
            Ok(UpsertOutcome::Updated(id)) => Ok(Saved {
                id,
                created: Some(false),
            }),
            Ok(UpsertOutcome::Multiple(ids)) => Err((
                None,
                ApiError::bad_request(
                    "DUPLICATE_EXTERNAL_ID",
                    format!(
                        "{field}: more than one record found for external id field: [{}]",
                        ids.join(", ")
                    ),
                ),
            )),
            Err(e) => Err((None, e)),
        }
    });
    Ok(answer(outcomes))
}

/// `{"allOrNone", "records"}` from the body, within the record limit.
fn request(call: &Call) -> Result<(bool, Vec<Map<String, Value>>), ApiError> {
    let body = as_object(call.json()?, "SObjectCollection")?;
    let all_or_none = body
        .get("allOrNone")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let records = body
        .get("records")
        .and_then(Value::as_array)
        .ok_or_else(|| {
            ApiError::bad_request(
                "JSON_PARSER_ERROR",
                "records: a list of records is required",
            )
        })?;
    check_count(records.len())?;
    let records = records
        .iter()
        .map(|r| as_object(r.clone(), "SObject"))
        .collect::<Result<_, _>>()?;
    Ok((all_or_none, records))
}

fn check_count(count: usize) -> Result<(), ApiError> {
    if count > MAX_RECORDS {
        return Err(ApiError::bad_request(
            "EXCEEDED_ID_LIMIT",
            "record limit reached. cannot submit more than 200 records into this call",
        ));
    }
    Ok(())
}

/// `attributes.type` of a record.
fn record_type(record: &Map<String, Value>) -> Result<String, ApiError> {
    record
        .get("attributes")
        .and_then(|a| a.get("type"))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .ok_or_else(|| ApiError::bad_request("INVALID_TYPE", "Must send a concrete entity type."))
}

/// A record the org cannot find reads as a bad reference in a collection.
fn not_found_as_cross_reference(error: ApiError) -> ApiError {
    if error.status == StatusCode::NOT_FOUND {
        ApiError::bad_request("INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id")
    } else {
        error
    }
}

/// Runs `save` for every record, as one transaction when `all_or_none`: then one failure
/// turns every success into `ALL_OR_NONE_OPERATION_ROLLED_BACK`.
fn each<F>(
    org: &mut Org,
    all_or_none: bool,
    records: &[Map<String, Value>],
    mut save: F,
) -> Vec<Outcome>
where
    F: FnMut(&mut Org, &Map<String, Value>) -> Outcome,
{
    let savepoint = all_or_none.then(|| org.begin_all_or_none());
    let mut outcomes: Vec<Outcome> = records.iter().map(|r| save(org, r)).collect();
    if let Some(savepoint) = savepoint {
        if outcomes.iter().any(Result::is_err) {
            org.rollback(savepoint);
            for outcome in &mut outcomes {
                if let Ok(saved) = outcome {
                    let id = saved.id.clone();
                    *outcome = Err((
                        Some(id),
                        ApiError::bad_request(
                            "ALL_OR_NONE_OPERATION_ROLLED_BACK",
                            "Record rolled back because not all records were valid and the request was using AllOrNone header",
                        ),
                    ));
                }
            }
        } else {
            org.commit(savepoint);
        }
    }
    outcomes
}

/// SaveResults in request order, 200 whatever they say.
fn answer(outcomes: Vec<Outcome>) -> Reply {
    let results: Vec<Value> = outcomes
        .into_iter()
        .map(|outcome| match outcome {
            Ok(saved) => {
                let mut result = json!({"id": saved.id, "success": true, "errors": []});
                if let (Some(created), Some(map)) = (saved.created, result.as_object_mut()) {
                    map.insert("created".into(), json!(created));
                }
                result
            }
            Err((id, error)) => {
                let errors: Vec<Value> = error
                    .errors
                    .iter()
                    .map(|e| json!({"statusCode": e.error_code, "message": e.message, "fields": e.fields}))
                    .collect();
                let mut result = json!({"success": false, "errors": errors});
                if let (Some(id), Some(map)) = (id, result.as_object_mut()) {
                    map.insert("id".into(), json!(id));
                }
                result
            }
        })
        .collect();
    Reply::json(StatusCode::OK, Value::Array(results))
}
