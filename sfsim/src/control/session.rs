//! Control of sessions and time: revoking tokens, their lifetime, and the simulated clock.

use actix_web::{HttpResponse, web};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use serde_json::json;

use super::refusal::{ControlRefusal, read_json};
use crate::state::Sim;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Revocation {
    /// One token to revoke.
    token: Option<String>,
    /// `true` revokes every token.
    #[serde(default)]
    all: bool,
}

/// `POST /__sim/tokens/revoke` `{"token":"…"}` or `{"all":true}`: as an admin revoking
/// sessions would; the next data call with a revoked token gets `INVALID_SESSION_ID`.
pub async fn revoke(
    sim: web::Data<Sim>,
    payload: web::Payload,
) -> Result<HttpResponse, ControlRefusal> {
    let revocation: Revocation = read_json(payload).await?;
    let revoked = match (revocation.token, revocation.all) {
        (None, true) => sim.auth.revoke_all(),
        (Some(token), false) => usize::from(sim.auth.revoke(&token)),
        _ => {
            return Err(ControlRefusal::BadRequest(
                "give either {\"token\": \"...\"} or {\"all\": true}".to_owned(),
            ));
        }
    };
    Ok(HttpResponse::Ok().json(json!({"revoked": revoked})))
}

/// `GET /__sim/tokens`: how many tokens are live and how long new ones live.
pub async fn tokens(sim: web::Data<Sim>) -> HttpResponse {
    HttpResponse::Ok().json(json!({
        "live": sim.auth.live(sim.clock.now()),
        "lifetime_seconds": sim.auth.lifetime().num_seconds(),
    }))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenSettings {
    lifetime_seconds: i64,
}

/// `PUT /__sim/tokens` `{"lifetime_seconds":N}`: the lifetime of tokens issued from now on.
pub async fn put_tokens(
    sim: web::Data<Sim>,
    payload: web::Payload,
) -> Result<HttpResponse, ControlRefusal> {
    let settings: TokenSettings = read_json(payload).await?;
    if !(1..=366 * 24 * 3600).contains(&settings.lifetime_seconds) {
        return Err(ControlRefusal::BadRequest(
            "lifetime_seconds must be between 1 and one year".to_owned(),
        ));
    }
    sim.auth
        .set_lifetime(Duration::seconds(settings.lifetime_seconds));
    Ok(tokens(sim).await)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockChange {
    /// Stop time at this instant (RFC 3339).
    now: Option<DateTime<Utc>>,
    /// Move time by this many seconds (negative: back) and stop it there.
    advance_seconds: Option<i64>,
    /// `true`: run with wall time again.
    #[serde(default)]
    running: bool,
}

/// `GET /__sim/clock`.
pub async fn clock(sim: web::Data<Sim>) -> HttpResponse {
    HttpResponse::Ok().json(json!({"now": sim.clock.now(), "fixed": sim.clock.is_fixed()}))
}

/// `PUT /__sim/clock`: exactly one of `{"now":"2030-01-01T00:00:00Z"}`,
/// `{"advance_seconds":7200}`, `{"running":true}`. The org is told the new time too, so
/// records it writes carry it.
pub async fn put_clock(
    sim: web::Data<Sim>,
    payload: web::Payload,
) -> Result<HttpResponse, ControlRefusal> {
    let change: ClockChange = read_json(payload).await?;
    match (change.now, change.advance_seconds, change.running) {
        (Some(now), None, false) => sim.clock.set(now),
        (None, Some(seconds), false) => {
            let by = Duration::try_seconds(seconds).ok_or_else(|| {
                ControlRefusal::BadRequest("advance_seconds is out of range".to_owned())
            })?;
            sim.clock.advance(by);
        }
        (None, None, true) => sim.clock.release(),
        _ => {
            return Err(ControlRefusal::BadRequest(
                "give exactly one of now, advance_seconds or running".to_owned(),
            ));
        }
    }
    let pinned = sim.clock.is_fixed().then(|| sim.clock.now());
    sim.org.lock().set_now(pinned);
    Ok(clock(sim).await)
}
