//! The permission check in front of the router: for a call made for a session, what the path
//! and method do, held to what the session's user may do ([`crate::access`]). SOQL is checked
//! as it runs, through the user's view of the schema; sObject Collections record by record, in
//! `collections`.

use actix_web::http::Method;
use serde_json::Value;

use super::Call;
use crate::access::{Access, Operation};
use crate::error::ApiError;
use crate::org::Org;

/// The caller's access after the checks this call's path and method need, or `None` for a
/// call the simulator makes itself.
pub(super) fn check(org: &Org, call: &Call) -> Result<Option<Access>, ApiError> {
    let Some(user) = call.caller.as_deref() else {
        return Ok(None);
    };
    let access = Access::for_user(org, user);
    access.require_api()?;
    let segments: Vec<&str> = call.segments.iter().map(String::as_str).collect();
    let name = |given: &str| org.object_def(given).map(|d| d.name.clone());
    match segments.as_slice() {
        ["sobjects", object, rest @ ..] => {
            // An object the org does not have is the router's to answer.
            if let Some(object) = name(object) {
                check_sobjects(&access, call, &object, rest)?;
                if object == "User" {
                    check_internal_user(org, &access, call, rest)?;
                }
            }
        }
        ["composite", "sobjects", object, rest @ ..] => {
            if let Some(object) = name(object) {
                let operation = if rest.is_empty() {
                    Operation::Read
                } else {
                    Operation::Upsert
                };
                access.require(&object, operation)?;
            }
        }
        _ => {}
    }
    Ok(Some(access))
}

/// `/sobjects/{object}/…`.
fn check_sobjects(
    access: &Access,
    call: &Call,
    object: &str,
    rest: &[&str],
) -> Result<(), ApiError> {
    let method = &call.method;
    let operation = match rest {
        [_, "password"] => Operation::Reset,
        _ if call.is_read() => Operation::Read,
        [] if *method == Method::POST => Operation::Create,
        [_] if *method == Method::PATCH => Operation::Edit,
        [_, _] if *method == Method::PATCH => Operation::Upsert,
        _ if *method == Method::DELETE => Operation::Delete,
        _ => return Ok(()),
    };
    access.require(object, operation)?;
    if let [field, _] = rest
        && *field != "password"
        && !access.can_read_field(object, field)
    {
        return Err(ApiError::not_found(format!(
            "Provided external ID field does not exist or is not accessible: {field}"
        )));
    }
    if matches!(
        operation,
        Operation::Create | Operation::Edit | Operation::Upsert
    ) && let Ok(body) = call.record_body()
    {
        let mut fields: Vec<&str> = body.keys().map(String::as_str).collect();
        if let [field, _] = rest {
            fields.push(field);
        }
        access.require_writable(object, fields.into_iter().filter(|f| *f != "attributes"))?;
    }
    Ok(())
}

/// Manage External Users covers external users only: creating, changing or resetting the
/// password of an internal user (a `Standard` profile) needs Manage Users (Create Experience
/// Cloud Site Users, Salesforce Help).
fn check_internal_user(
    org: &Org,
    access: &Access,
    call: &Call,
    rest: &[&str],
) -> Result<(), ApiError> {
    if access.has("ManageUsers") || call.is_read() {
        return Ok(());
    }
    let profile = match rest {
        [] => call.record_body().ok().and_then(|body| {
            body.get("ProfileId")
                .and_then(Value::as_str)
                .map(str::to_owned)
        }),
        [id, ..] => org
            .record(id)
            .and_then(|user| user.get("ProfileId"))
            .and_then(Value::as_str)
            .map(str::to_owned),
    };
    let internal = profile
        .and_then(|p| org.record(&p).and_then(|r| r.get("UserType").cloned()))
        .is_some_and(|t| t == "Standard");
    if internal {
        return Err(ApiError::bad_request(
            "INSUFFICIENT_ACCESS_OR_READONLY",
            "insufficient access rights on object id",
        ));
    }
    Ok(())
}
