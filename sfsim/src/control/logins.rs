//! Logins: `LastLoginDate` is read-only in the API, so a test logs people in through here,
//! one at a time or many at once for a fixture's history.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};

use super::refusal::{ControlRefusal, read_json};
use crate::state::Sim;

/// One login: a user by id or username, at a time (absent: the org's now).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Login {
    user: String,
    #[serde(default)]
    at: Option<DateTime<Utc>>,
}

/// Many users who logged in at one time.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Logins {
    users: Vec<String>,
    #[serde(default)]
    at: Option<DateTime<Utc>>,
}

/// `POST /__sim/logins`: one login `{"user","at"?}`, an array of them, or
/// `{"users":[…],"at"?}`; all recorded or none. Answers `{"logged_in": N}`.
pub async fn log_in(
    sim: web::Data<Sim>,
    payload: web::Payload,
) -> Result<HttpResponse, ControlRefusal> {
    let body: Value = read_json(payload).await?;
    let logins = parse(body)?;
    let mut org = sim.org.lock();
    let checked = logins
        .iter()
        .map(|l| org.check_login(&l.user, l.at))
        .collect::<Result<Vec<_>, _>>()
        .map_err(ControlRefusal::BadRequest)?;
    for (user_id, at) in &checked {
        org.stamp_login(user_id, *at);
    }
    Ok(HttpResponse::Ok().json(json!({"logged_in": checked.len()})))
}

fn parse(body: Value) -> Result<Vec<Login>, ControlRefusal> {
    let invalid = |e: serde_json::Error| ControlRefusal::BadRequest(format!("invalid login: {e}"));
    match body {
        Value::Array(items) => items
            .into_iter()
            .map(|item| serde_json::from_value(item).map_err(invalid))
            .collect(),
        Value::Object(ref fields) if fields.contains_key("users") => {
            let many: Logins = serde_json::from_value(body).map_err(invalid)?;
            Ok(many
                .users
                .into_iter()
                .map(|user| Login { user, at: many.at })
                .collect())
        }
        one => Ok(vec![serde_json::from_value(one).map_err(invalid)?]),
    }
}
