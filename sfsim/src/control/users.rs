//! Users changed "by hand": `POST /__sim/users` makes an external user (and its Contact) as an
//! administrator would in Setup, `PATCH /__sim/users/{id or username}` changes one, and
//! `GET /__sim/users/{id or username}` shows one. None of it is an API call: nothing is
//! counted, logged as a request or attributed to a session.

use actix_web::{HttpResponse, web};
use serde_json::json;

use super::refusal::{ControlRefusal, read_json};
use crate::error::ApiError;
use crate::org::{HandChange, HandMadeUser};
use crate::state::Sim;

/// `POST /__sim/users`: `{"username","last_name","profile","account", "first_name"?,
/// "email"?, "contact_key"?, "active"?, "frozen"?}` → `201 {"user_id","contact_id","user"}`.
pub async fn create(
    sim: web::Data<Sim>,
    payload: web::Payload,
) -> Result<HttpResponse, ControlRefusal> {
    let spec: HandMadeUser = read_json(payload).await?;
    let mut org = sim.org.lock();
    let (user, contact) = org.create_user_by_hand(&spec).map_err(refused)?;
    Ok(HttpResponse::Created().json(json!({
        "user_id": user, "contact_id": contact, "user": org.user_summary(&user),
    })))
}

/// `PATCH /__sim/users/{user}`: `{"active"?, "frozen"?, "profile"?, "role"?, "account"?,
/// "portal_enabled"?}` → `200` with the user as it now is.
pub async fn change(
    sim: web::Data<Sim>,
    user: web::Path<String>,
    payload: web::Payload,
) -> Result<HttpResponse, ControlRefusal> {
    let change: HandChange = read_json(payload).await?;
    let mut org = sim.org.lock();
    let id = org.change_user_by_hand(&user, &change).map_err(refused)?;
    Ok(HttpResponse::Ok().json(org.user_summary(&id)))
}

/// `GET /__sim/users/{user}`: the user's state (active, frozen, profile, role, Account).
pub async fn show(
    sim: web::Data<Sim>,
    user: web::Path<String>,
) -> Result<HttpResponse, ControlRefusal> {
    let org = sim.org.lock();
    let found = org
        .user_by_username(&user)
        .map(|u| u.id.clone())
        .or_else(|| crate::ids::to18(&user).filter(|id| org.record(id).is_some()));
    match found {
        Some(id) => Ok(HttpResponse::Ok().json(org.user_summary(&id))),
        None => Err(ControlRefusal::NotFound(format!("no user '{user}'"))),
    }
}

/// The org's refusal, told as the control surface tells refusals.
fn refused(error: ApiError) -> ControlRefusal {
    if error.code() == "NOT_FOUND" {
        ControlRefusal::NotFound(error.to_string())
    } else {
        ControlRefusal::BadRequest(error.to_string())
    }
}
