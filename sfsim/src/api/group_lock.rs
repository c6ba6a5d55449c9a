//! Collection creates of role-based users and the group-membership lock (see
//! `traffic::group_lock`): which creates take it, and the answer of one that cannot.

use actix_web::http::{Method, StatusCode};
use serde_json::{Value, json};

use super::{Call, Reply};
use crate::org::Org;
use crate::traffic::default_message;

/// Whether `call` is `POST /composite/sobjects` creating at least one user whose profile gives
/// a role: a partner (`PowerPartner`) or Customer Community Plus (`PowerCustomerSuccess`) user.
pub fn creates_role_based_users(org: &Org, call: &Call) -> bool {
    if call.method != Method::POST || call.segments != ["composite", "sobjects"] {
        return false;
    }
    let Ok(body) = call.json() else {
        return false;
    };
    let records = body.get("records").and_then(Value::as_array);
    records.into_iter().flatten().any(|record| {
        let is_user = record
            .pointer("/attributes/type")
            .and_then(Value::as_str)
            .is_some_and(|t| t.eq_ignore_ascii_case("User"));
        let user_type = record
            .get("ProfileId")
            .and_then(Value::as_str)
            .and_then(|profile| org.record(profile))
            .and_then(|profile| profile.text("UserType").map(str::to_owned));
        is_user
            && matches!(
                user_type.as_deref(),
                Some("PowerPartner" | "PowerCustomerSuccess")
            )
    })
}

/// A collection create that could not take the lock: nothing is saved, and every record's
/// SaveResult carries `UNABLE_TO_LOCK_ROW`, as a failed save of a collection reports each
/// record (sObject Collections, REST API Developer Guide).
pub fn refused(call: &Call) -> Reply {
    let count = call
        .json()
        .ok()
        .and_then(|b| b.get("records").and_then(Value::as_array).map(Vec::len))
        .unwrap_or(0);
    let result = json!({"success": false, "errors": [{
        "statusCode": "UNABLE_TO_LOCK_ROW",
        "message": default_message("UNABLE_TO_LOCK_ROW"),
        "fields": [],
    }]});
    Reply::json(StatusCode::OK, Value::Array(vec![result; count]))
}
