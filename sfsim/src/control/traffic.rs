//! Control of traffic: the request log, call counts, faults, scripts and the daily allowance.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use serde_json::{Value, json};

use super::refusal::{ControlRefusal, read_json};
use crate::state::Sim;
use crate::traffic::{FaultUpdate, LOG_CAPACITY, MAX_COUNT, ScriptRequest};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogQuery {
    /// Only entries with a larger `seq`.
    #[serde(default)]
    since: u64,
    /// At most this many entries (default: all kept).
    limit: Option<usize>,
}

/// `GET /__sim/requests?since=N&limit=M`: the request log, oldest first.
pub async fn requests(
    sim: web::Data<Sim>,
    query: Result<web::Query<LogQuery>, actix_web::Error>,
) -> Result<HttpResponse, ControlRefusal> {
    let query = query.map_err(|e| ControlRefusal::BadRequest(format!("invalid query: {e}")))?;
    let limit = query.limit.unwrap_or(LOG_CAPACITY);
    Ok(HttpResponse::Ok().json(sim.traffic.log.entries(query.since, limit)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogSettings {
    /// Keep request and response bodies of data calls.
    bodies: bool,
}

/// `PUT /__sim/requests` `{"bodies": true}`: turns body logging on or off.
pub async fn set_request_log(
    sim: web::Data<Sim>,
    payload: web::Payload,
) -> Result<HttpResponse, ControlRefusal> {
    let settings: LogSettings = read_json(payload).await?;
    sim.traffic.log.keep_bodies(settings.bodies);
    Ok(HttpResponse::Ok().json(json!({"bodies": settings.bodies})))
}

/// `DELETE /__sim/requests`: forgets the log and the call counts.
pub async fn clear_requests(sim: web::Data<Sim>) -> HttpResponse {
    sim.traffic.log.clear();
    HttpResponse::Ok().json(json!({"cleared": true}))
}

/// `GET /__sim/calls`: calls per endpoint and in total.
pub async fn calls(sim: web::Data<Sim>) -> HttpResponse {
    HttpResponse::Ok().json(sim.traffic.log.calls())
}

/// `GET /__sim/faults`.
pub async fn faults(sim: web::Data<Sim>) -> HttpResponse {
    HttpResponse::Ok().json(sim.traffic.faults.settings())
}

/// `PUT /__sim/faults`: fields given replace the current ones; a `seed` restarts the sequence.
pub async fn put_faults(
    sim: web::Data<Sim>,
    payload: web::Payload,
) -> Result<HttpResponse, ControlRefusal> {
    let update: FaultUpdate = read_json(payload).await?;
    let reseed = update.seed;
    let settings = sim
        .traffic
        .faults
        .update(update)
        .map_err(ControlRefusal::BadRequest)?;
    // A new seed restarts the collation order of composite subrequests as well.
    if let Some(seed) = reseed {
        sim.org.lock().collation_mut().reseed(seed);
    }
    Ok(HttpResponse::Ok().json(settings))
}

/// `POST /__sim/faults/script`: arms one script, or several given as an array (all or none).
pub async fn add_script(
    sim: web::Data<Sim>,
    payload: web::Payload,
) -> Result<HttpResponse, ControlRefusal> {
    let body: Value = read_json(payload).await?;
    let many = body.is_array();
    let requests: Vec<ScriptRequest> = match body {
        Value::Array(items) => items
            .into_iter()
            .map(serde_json::from_value)
            .collect::<Result<_, _>>(),
        one => serde_json::from_value(one).map(|r| vec![r]),
    }
    .map_err(|e| ControlRefusal::BadRequest(format!("invalid script: {e}")))?;
    // Check every script before arming any, so a bad one in a list changes nothing.
    for (i, request) in requests.iter().enumerate() {
        request
            .clone()
            .arm(0)
            .map_err(|e| ControlRefusal::BadRequest(format!("script {i}: {e}")))?;
    }
    let mut armed = Vec::with_capacity(requests.len());
    for request in requests {
        armed.push(
            sim.traffic
                .scripts
                .add(request)
                .map_err(ControlRefusal::BadRequest)?,
        );
    }
    let shown = if many {
        serde_json::to_value(&armed)
    } else {
        serde_json::to_value(armed.first())
    }
    .map_err(|e| ControlRefusal::BadRequest(e.to_string()))?;
    Ok(HttpResponse::Created().json(shown))
}

/// `GET /__sim/faults/script`: the armed scripts with what remains of each.
pub async fn scripts(sim: web::Data<Sim>) -> HttpResponse {
    HttpResponse::Ok().json(sim.traffic.scripts.list())
}

/// `DELETE /__sim/faults/script`: disarms every script.
pub async fn clear_scripts(sim: web::Data<Sim>) -> HttpResponse {
    let removed = sim.traffic.scripts.clear();
    HttpResponse::Ok().json(json!({"removed": removed}))
}

/// `DELETE /__sim/faults/script/{id}`: disarms one.
pub async fn remove_script(
    sim: web::Data<Sim>,
    id: web::Path<String>,
) -> Result<HttpResponse, ControlRefusal> {
    let id: u64 = id
        .parse()
        .map_err(|_| ControlRefusal::BadRequest(format!("{:?} is not a script id", id.as_str())))?;
    if sim.traffic.scripts.remove(id) {
        Ok(HttpResponse::Ok().json(json!({"removed": 1})))
    } else {
        Err(ControlRefusal::NotFound(format!("no script with id {id}")))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LimitsUpdate {
    /// Daily API requests allowed.
    max: Option<u64>,
    /// API requests already used in the current window.
    used: Option<u64>,
    /// Largest request body a data call may carry.
    max_body_bytes: Option<usize>,
}

/// `GET /__sim/limits`.
pub async fn limits(sim: web::Data<Sim>) -> HttpResponse {
    let usage = sim.traffic.usage.current(sim.clock.now());
    HttpResponse::Ok().json(limits_view(&sim, usage))
}

/// `PUT /__sim/limits` `{"max":N,"used":M,"max_body_bytes":B}` (each optional).
pub async fn put_limits(
    sim: web::Data<Sim>,
    payload: web::Payload,
) -> Result<HttpResponse, ControlRefusal> {
    let update: LimitsUpdate = read_json(payload).await?;
    if let Some(bytes) = update.max_body_bytes {
        sim.traffic.set_max_body_bytes(bytes);
    }
    let usage = sim
        .traffic
        .usage
        .set(update.max, update.used, sim.clock.now());
    Ok(HttpResponse::Ok().json(limits_view(&sim, usage)))
}

fn limits_view(sim: &Sim, usage: crate::traffic::Usage) -> Value {
    json!({
        "max": usage.max,
        "used": usage.used,
        "remaining": usage.remaining,
        "max_body_bytes": sim.traffic.max_body_bytes(),
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroupLockForce {
    /// Role-based collection creates to refuse, from the next one on.
    count: u32,
}

/// `GET /__sim/faults/group-lock`: `{"held","forced_remaining","refused"}`.
pub async fn group_lock(sim: web::Data<Sim>) -> HttpResponse {
    HttpResponse::Ok().json(sim.traffic.group_lock.view())
}

/// `PUT /__sim/faults/group-lock` `{"count": N}`: the next N collection creates of role-based
/// users answer `UNABLE_TO_LOCK_ROW` for every record, as if another held the lock.
pub async fn force_group_lock(
    sim: web::Data<Sim>,
    payload: web::Payload,
) -> Result<HttpResponse, ControlRefusal> {
    let force: GroupLockForce = read_json(payload).await?;
    if force.count > MAX_COUNT {
        return Err(ControlRefusal::BadRequest(format!(
            "count must be at most {MAX_COUNT}"
        )));
    }
    sim.traffic.group_lock.force(force.count);
    Ok(HttpResponse::Ok().json(sim.traffic.group_lock.view()))
}
