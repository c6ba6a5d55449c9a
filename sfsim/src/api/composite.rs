//! `POST /composite`: up to 25 subrequests in one call, later ones reading earlier results
//! through `@{referenceId.path}`; with `allOrNone`, one failure undoes them all. The HTTP
//! status is 200 whatever the subrequests answered.

use std::collections::HashMap;

use actix_web::http::{Method, StatusCode};
use serde_json::{Map, Value, json};

use super::body::as_object;
use super::{Call, CallBody, Reply};
use crate::error::ApiError;
use crate::org::Org;

mod collation;

/// Subrequests per composite request.
const MAX_SUBREQUESTS: usize = 25;
/// Query and sObject Collections subrequests per composite request.
const MAX_QUERIES_AND_COLLECTIONS: usize = 5;

const ROLLED_BACK: &str =
    "The transaction was rolled back since another operation in the same transaction failed.";

/// One subrequest as sent.
struct Subrequest {
    method: Method,
    url: String,
    reference_id: String,
    body: Option<Value>,
    /// `httpHeaders`, passed on as the same request over HTTP would carry them.
    headers: Vec<(String, String)>,
}

/// `GET /composite`: the composite resources.
pub fn resources(call: &Call) -> Reply {
    let base = format!("/services/data/v{}/composite", call.version);
    Reply::json(
        StatusCode::OK,
        json!({"sobjects": format!("{base}/sobjects"), "tree": format!("{base}/tree"), "batch": format!("{base}/batch")}),
    )
}

/// How the API answers one call: the router, which composite subrequests go through as HTTP
/// requests do.
pub type Router = fn(&mut Org, &Call) -> Reply;

/// Runs a composite request, each subrequest through `router`, in the order collation gives
/// (see [`collation`]); the responses come back in the order sent.
pub fn run(org: &mut Org, call: &Call, router: Router) -> Result<Reply, ApiError> {
    let body = as_object(call.json()?, "CompositeRequest")?;
    let all_or_none = body
        .get("allOrNone")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let subrequests = parse_subrequests(&body)?;
    let order = if collation::collates(&body, &call.version) {
        collation::execution_order(&subrequests, org.collation_mut())
    } else {
        (0..subrequests.len()).collect()
    };

    let savepoint = all_or_none.then(|| org.begin_all_or_none());
    let caller = call.caller.as_deref();
    let (mut results, failed) = execute(org, router, caller, &subrequests, &order, all_or_none);
    if let Some(savepoint) = savepoint {
        if failed {
            org.rollback(savepoint);
            for reply in &mut results {
                if reply.status.as_u16() < 400 {
                    *reply = halted(ROLLED_BACK);
                }
            }
        } else {
            org.commit(savepoint);
        }
    }

    let responses: Vec<Value> = subrequests
        .iter()
        .zip(results)
        .map(|(sub, reply)| subresponse(&sub.reference_id, reply))
        .collect();
    Ok(Reply::json(
        StatusCode::OK,
        json!({"compositeResponse": responses}),
    ))
}

/// Runs the subrequests in `order`; the replies are in the order sent. With `all_or_none`,
/// those after a failure are halted. Also says whether any failed.
fn execute(
    org: &mut Org,
    router: Router,
    caller: Option<&str>,
    subrequests: &[Subrequest],
    order: &[usize],
    all_or_none: bool,
) -> (Vec<Reply>, bool) {
    let mut results: Vec<Option<Reply>> = vec![None; subrequests.len()];
    let mut answered: HashMap<String, Value> = HashMap::new();
    let mut failed = false;
    for &index in order {
        let sub = &subrequests[index];
        let reply = if failed && all_or_none {
            halted(ROLLED_BACK)
        } else {
            match resolve(sub, &answered) {
                Ok((url, body)) => answer(org, router, caller, sub, &url, body),
                Err(message) => halted(&message),
            }
        };
        if reply.status.as_u16() < 400 {
            answered.insert(
                sub.reference_id.clone(),
                reply.body.clone().unwrap_or(Value::Null),
            );
        } else {
            failed = true;
        }
        results[index] = Some(reply);
    }
    let replies = results
        .into_iter()
        .map(|r| r.unwrap_or_else(|| halted(ROLLED_BACK)))
        .collect();
    (replies, failed)
}

/// One entry of `compositeResponse`.
fn subresponse(reference_id: &str, reply: Reply) -> Value {
    let headers: Map<String, Value> = reply
        .headers
        .into_iter()
        .map(|(k, v)| (k, Value::String(v)))
        .collect();
    json!({
        "body": reply.body,
        "httpHeaders": headers,
        "httpStatusCode": reply.status.as_u16(),
        "referenceId": reference_id,
    })
}

/// One subrequest answered by the same router as HTTP requests, for the composite's caller.
/// Composite cannot nest.
fn answer(
    org: &mut Org,
    router: Router,
    caller: Option<&str>,
    sub: &Subrequest,
    url: &str,
    body: Option<Value>,
) -> Reply {
    let body = match body {
        Some(value) => CallBody::Json(value),
        None => CallBody::Raw(actix_web::web::Bytes::new()),
    };
    if let Err(refusal) = super::uri::check(&sub.method, url) {
        return Reply::error(&refusal);
    }
    let headers = sub.headers.iter().map(|(k, v)| (k.as_str(), v.as_str()));
    match Call::from_url(sub.method.clone(), url, body).map(|call| call.with_headers(headers)) {
        Ok(call)
            if call.segments.first().is_some_and(|s| s == "composite")
                && call.segments.get(1).is_none_or(|s| s != "sobjects") =>
        {
            Reply::error(&ApiError::resource_not_found())
        }
        Ok(call)
            if org.subrequest_refusals().take(
                call.method.as_str(),
                call.segments.last().map(String::as_str),
            ) =>
        {
            Reply::error(&ApiError::resource_not_found())
        }
        Ok(mut call) => {
            call.caller = caller.map(str::to_owned);
            router(org, &call)
        }
        Err(error) => Reply::error(&error),
    }
}

/// 400 `PROCESSING_HALTED`.
fn halted(message: &str) -> Reply {
    Reply::error(&ApiError::bad_request("PROCESSING_HALTED", message))
}

fn invalid(message: impl Into<String>) -> ApiError {
    ApiError::bad_request("JSON_PARSER_ERROR", message)
}

/// The subrequests, checked against the composite limits.
fn parse_subrequests(body: &Map<String, Value>) -> Result<Vec<Subrequest>, ApiError> {
    let list = body
        .get("compositeRequest")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("compositeRequest: a list of subrequests is required"))?;
    if list.is_empty() {
        return Err(invalid(
            "compositeRequest: at least one subrequest is required",
        ));
    }
    if list.len() > MAX_SUBREQUESTS {
        return Err(ApiError::bad_request(
            "LIMIT_EXCEEDED",
            format!(
                "A composite request can have at most {MAX_SUBREQUESTS} subrequests; this one has {}",
                list.len()
            ),
        ));
    }
    let mut subrequests: Vec<Subrequest> = Vec::new();
    for entry in list {
        let text = |name: &str| {
            entry
                .get(name)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| invalid(format!("Subrequest field '{name}' is required")))
        };
        let method = Method::from_bytes(text("method")?.to_ascii_uppercase().as_bytes())
            .map_err(|_| invalid("Subrequest field 'method' is not an HTTP method"))?;
        let reference_id = text("referenceId")?;
        if reference_id.is_empty()
            || !reference_id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(ApiError::bad_request(
                "INVALID_INPUT",
                format!(
                    "Invalid referenceId '{reference_id}': only letters, numbers and underscores are allowed"
                ),
            ));
        }
        if subrequests.iter().any(|s| s.reference_id == reference_id) {
            return Err(ApiError::bad_request(
                "INVALID_INPUT",
                "Duplicate ReferenceId provided in the request.",
            ));
        }
        let headers = entry
            .get("httpHeaders")
            .and_then(Value::as_object)
            .map(|map| {
                map.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                    .collect()
            })
            .unwrap_or_default();
        subrequests.push(Subrequest {
            method,
            url: text("url")?,
            reference_id,
            body: entry.get("body").cloned(),
            headers,
        });
    }
    let heavy = subrequests
        .iter()
        .filter(|s| is_query_or_collection(&s.url))
        .count();
    if heavy > MAX_QUERIES_AND_COLLECTIONS {
        return Err(ApiError::bad_request(
            "LIMIT_EXCEEDED",
            format!(
                "A composite request can have at most {MAX_QUERIES_AND_COLLECTIONS} query or sObject Collections subrequests; this one has {heavy}"
            ),
        ));
    }
    Ok(subrequests)
}

/// Queries (`/query`, `/queryAll`, next pages) and sObject Collections count against the
/// limit of five; reads by id or external id do not.
fn is_query_or_collection(url: &str) -> bool {
    let path = url.split('?').next().unwrap_or_default();
    let mut parts = path.trim_start_matches('/').split('/').skip(3);
    matches!(
        (parts.next(), parts.next()),
        (Some("query" | "queryAll"), _) | (Some("composite"), Some("sobjects"))
    )
}

/// The subrequest's URL and body with every `@{ref.path}` replaced by the earlier result.
fn resolve(
    sub: &Subrequest,
    answered: &HashMap<String, Value>,
) -> Result<(String, Option<Value>), String> {
    let url = interpolate(&sub.url, answered)?;
    let body = match &sub.body {
        Some(value) => Some(resolve_value(value, answered)?),
        None => None,
    };
    Ok((url, body))
}

fn resolve_value(value: &Value, answered: &HashMap<String, Value>) -> Result<Value, String> {
    Ok(match value {
        Value::String(s) => {
            // A string that is exactly one reference takes the referenced value's JSON type.
            match s.strip_prefix("@{").and_then(|r| r.strip_suffix('}')) {
                Some(expr) if !expr.contains('}') => lookup(expr, answered)?,
                _ => Value::String(interpolate(s, answered)?),
            }
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|v| resolve_value(v, answered))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| resolve_value(v, answered).map(|v| (k.clone(), v)))
                .collect::<Result<_, _>>()?,
        ),
        other => other.clone(),
    })
}

fn interpolate(text: &str, answered: &HashMap<String, Value>) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("@{") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return Ok(out);
        };
        match lookup(&after[..end], answered)? {
            Value::String(s) => out.push_str(&s),
            other => out.push_str(&other.to_string()),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

/// `ref.records[0].Id` in the answered bodies.
fn lookup(expr: &str, answered: &HashMap<String, Value>) -> Result<Value, String> {
    let (reference, path) = expr.split_once('.').unwrap_or((expr, ""));
    let missing = || {
        format!(
            "Invalid reference specified. No value for {expr} found in {reference}. Provided referenceId ('{reference}') is unknown, refers to a later subrequest, or refers to one that failed."
        )
    };
    let mut current = answered.get(reference).ok_or_else(missing)?;
    for step in path.split('.').filter(|s| !s.is_empty()) {
        let (name, indexes) = match step.find('[') {
            Some(i) => (&step[..i], &step[i..]),
            None => (step, ""),
        };
        if !name.is_empty() {
            current = current.get(name).ok_or_else(missing)?;
        }
        for index in indexes.split('[').filter(|s| !s.is_empty()) {
            let n: usize = index.trim_end_matches(']').parse().map_err(|_| missing())?;
            current = current.get(n).ok_or_else(missing)?;
        }
    }
    if current.is_null() {
        return Err(missing());
    }
    Ok(current.clone())
}
