//! The router: which resource a call names, and whether it takes the call's method.

use actix_web::http::Method;

use super::{
    Call, Reply, collection_retrieve, collections, composite, describe, guard, password, query,
    sobjects,
};
use crate::access::Access;
use crate::error::ApiError;
use crate::org::Org;

/// Answers a call; errors become Salesforce error bodies.
pub fn dispatch(org: &mut Org, call: &Call) -> Reply {
    route(org, call).unwrap_or_else(|e| Reply::error(&e))
}

fn route(org: &mut Org, call: &Call) -> Result<Reply, ApiError> {
    let access = guard::check(org, call)?;
    let segments: Vec<&str> = call.segments.iter().map(String::as_str).collect();
    match segments.as_slice() {
        ["sobjects", rest @ ..] => route_sobjects(org, call, rest, access.as_ref()),
        ["query" | "queryAll", rest @ ..] => route_query(org, call, rest, access.as_ref()),
        ["composite", rest @ ..] => route_composite(org, call, rest, access.as_ref()),
        _ => Err(ApiError::resource_not_found()),
    }
}

/// `/sobjects/…`: describe, single records by id or external id, and password resets.
fn route_sobjects(
    org: &mut Org,
    call: &Call,
    rest: &[&str],
    access: Option<&Access>,
) -> Result<Reply, ApiError> {
    let method = &call.method;
    match rest {
        [] => match method {
            _ if call.is_read() => Ok(describe::global(org, call, access)),
            _ => Err(ApiError::method_not_allowed(method, "HEAD,GET")),
        },
        [object] => {
            let object = object_name(org, object)?;
            match *method {
                _ if call.is_read() => describe::basic(org, call, &object),
                Method::POST => sobjects::create(org, call, &object),
                _ => Err(ApiError::method_not_allowed(method, "HEAD,GET,POST")),
            }
        }
        [object, "describe"] => {
            let object = object_name(org, object)?;
            match method {
                _ if call.is_read() => describe::describe(org, call, &object, access),
                _ => Err(ApiError::method_not_allowed(method, "HEAD,GET")),
            }
        }
        [object, id, "password"] if object.eq_ignore_ascii_case("User") => {
            password::handle(org, call, id)
        }
        [object, id] => {
            let object = object_name(org, object)?;
            match *method {
                _ if call.is_read() => sobjects::read(org, call, &object, id),
                Method::PATCH => sobjects::update(org, call, &object, id),
                Method::DELETE => sobjects::delete(org, &object, id),
                _ => Err(ApiError::method_not_allowed(
                    method,
                    "HEAD,GET,PATCH,DELETE",
                )),
            }
        }
        [object, field, value] => {
            let object = object_name(org, object)?;
            match *method {
                _ if call.is_read() => {
                    sobjects::read_by_external_id(org, call, &object, field, value)
                }
                Method::PATCH => sobjects::upsert(org, call, &object, field, value),
                Method::DELETE => sobjects::delete_by_external_id(org, call, &object, field, value),
                _ => Err(ApiError::method_not_allowed(
                    method,
                    "HEAD,GET,PATCH,DELETE",
                )),
            }
        }
        _ => Err(ApiError::resource_not_found()),
    }
}

/// `/query` and `/queryAll`: a first page, or a later one by its locator.
fn route_query(
    org: &mut Org,
    call: &Call,
    rest: &[&str],
    access: Option<&Access>,
) -> Result<Reply, ApiError> {
    let method = &call.method;
    match rest {
        [] => match method {
            _ if call.is_read() => query::run(org, call, access),
            _ => Err(ApiError::method_not_allowed(method, "HEAD,GET")),
        },
        [locator] => match method {
            _ if call.is_read() => query::more(org, call, locator),
            _ => Err(ApiError::method_not_allowed(method, "HEAD,GET")),
        },
        _ => Err(ApiError::resource_not_found()),
    }
}

/// `/composite/…`: composite requests and sObject Collections.
fn route_composite(
    org: &mut Org,
    call: &Call,
    rest: &[&str],
    access: Option<&Access>,
) -> Result<Reply, ApiError> {
    let method = &call.method;
    match rest {
        [] => match *method {
            _ if call.is_read() => Ok(composite::resources(call)),
            Method::POST => composite::run(org, call, dispatch),
            _ => Err(ApiError::method_not_allowed(method, "HEAD,GET,POST")),
        },
        ["sobjects"] => match *method {
            Method::POST => collections::create(org, call, access),
            Method::PATCH => collections::update(org, call, access),
            Method::DELETE => collections::delete(org, call, access),
            _ => Err(ApiError::method_not_allowed(method, "POST,PATCH,DELETE")),
        },
        ["sobjects", object] => {
            let object = object_name(org, object)?;
            match *method {
                // POST reads too: it carries the ids in a body, for lists too long for a URL.
                _ if call.is_read() || *method == Method::POST => {
                    collection_retrieve::retrieve(org, call, &object)
                }
                _ => Err(ApiError::method_not_allowed(method, "HEAD,GET,POST")),
            }
        }
        ["sobjects", object, field] => {
            let object = object_name(org, object)?;
            match *method {
                Method::PATCH => collections::upsert(org, call, &object, field),
                _ => Err(ApiError::method_not_allowed(method, "PATCH")),
            }
        }
        _ => Err(ApiError::resource_not_found()),
    }
}

/// The schema's spelling of an object named in a path, or 404.
fn object_name(org: &Org, given: &str) -> Result<String, ApiError> {
    org.object_def(given)
        .map(|d| d.name.clone())
        .ok_or_else(ApiError::resource_not_found)
}
