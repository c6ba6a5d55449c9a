//! Control of the org itself: fixture, reset, state dump, sent emails, quirk settings.

use actix_web::{HttpResponse, web};
use serde_json::{Map, Value, json};

use super::refusal::{ControlRefusal, read_body, read_json};
use crate::org::{Org, OrgSettings, RecordRefusal, SubrequestRefusal};
use crate::report::chain;
use crate::state::Sim;

/// `POST /__sim/fixture`: the body is a fixture in TOML; it replaces the org. Live tokens are
/// revoked (their users belonged to the old org). Relative paths in the fixture resolve
/// against the start fixture's folder.
pub async fn load_fixture(
    sim: web::Data<Sim>,
    payload: web::Payload,
) -> Result<HttpResponse, ControlRefusal> {
    let body = read_body(payload).await?;
    let text = String::from_utf8(body)
        .map_err(|_| ControlRefusal::BadRequest("the fixture is not UTF-8 text".to_owned()))?;
    let mut org = Org::from_fixture_toml(&text, &sim.site.fixture_dir())
        .map_err(|e| ControlRefusal::BadRequest(format!("invalid fixture: {}", chain(&e))))?;
    if sim.clock.is_fixed() {
        org.set_now(Some(sim.clock.now()));
    }
    let org_id = org.org_id().to_owned();
    *sim.org.lock() = org;
    let revoked = sim.auth.revoke_all();
    Ok(HttpResponse::Ok()
        .json(json!({"loaded": true, "org_id": org_id, "revoked_tokens": revoked})))
}

/// `POST /__sim/reset`: back to the start fixture and start settings; tokens, counters,
/// scripts and the request log cleared; the clock runs with wall time again.
pub async fn reset(sim: web::Data<Sim>) -> Result<HttpResponse, ControlRefusal> {
    crate::state::reset(&sim).map_err(|e| ControlRefusal::BadRequest(chain(&e).to_string()))?;
    Ok(HttpResponse::Ok().json(json!({"reset": true})))
}

/// `GET /__sim/state`: the org's dump plus where the simulator's own counters stand.
pub async fn state(sim: web::Data<Sim>) -> HttpResponse {
    let now = sim.clock.now();
    let org = sim.org.lock().dump();
    HttpResponse::Ok().json(json!({
        "org": org,
        "now": now,
        "clock_fixed": sim.clock.is_fixed(),
        "live_tokens": sim.auth.live(now),
        "api_usage": sim.traffic.usage.current(now),
        "faults": sim.traffic.faults.settings(),
        "scripts": sim.traffic.scripts.list(),
        "calls": sim.traffic.log.calls(),
    }))
}

/// `GET /__sim/emails`: what the org would have sent.
pub async fn emails(sim: web::Data<Sim>) -> Result<HttpResponse, ControlRefusal> {
    let emails = serde_json::to_value(sim.org.lock().emails())
        .map_err(|e| ControlRefusal::BadRequest(format!("emails cannot be shown: {e}")))?;
    Ok(HttpResponse::Ok().json(emails))
}

/// `GET /__sim/settings`: the org's quirk switches.
pub async fn settings(sim: web::Data<Sim>) -> Result<HttpResponse, ControlRefusal> {
    let settings = serde_json::to_value(sim.org.lock().settings())
        .map_err(|e| ControlRefusal::BadRequest(format!("settings cannot be shown: {e}")))?;
    Ok(HttpResponse::Ok().json(settings))
}

/// `PATCH /__sim/settings`: a JSON object of the switches to change. A key the settings do
/// not have is refused rather than ignored, so a typo cannot pass for a change.
pub async fn patch_settings(
    sim: web::Data<Sim>,
    payload: web::Payload,
) -> Result<HttpResponse, ControlRefusal> {
    let patch: Map<String, Value> = read_json(payload).await?;
    let mut org = sim.org.lock();
    let current = serde_json::to_value(org.settings())
        .map_err(|e| ControlRefusal::BadRequest(format!("settings cannot be shown: {e}")))?;
    let Value::Object(mut merged) = current else {
        return Err(ControlRefusal::BadRequest(
            "the org's settings are not an object".to_owned(),
        ));
    };
    for (key, value) in patch {
        if !merged.contains_key(&key) {
            let known: Vec<&String> = merged.keys().collect();
            return Err(ControlRefusal::BadRequest(format!(
                "unknown setting {key:?}; known: {known:?}"
            )));
        }
        merged.insert(key, value);
    }
    let updated: OrgSettings = serde_json::from_value(Value::Object(merged))
        .map_err(|e| ControlRefusal::BadRequest(format!("invalid setting: {e}")))?;
    *org.settings_mut() = updated;
    org.sync_site_options();
    let shown = serde_json::to_value(org.settings())
        .map_err(|e| ControlRefusal::BadRequest(format!("settings cannot be shown: {e}")))?;
    Ok(HttpResponse::Ok().json(shown))
}

/// `POST /__sim/faults/records`: one rule or an array, each refusing updates of one record
/// (`{"id", "errorCode"?, "message"?, "fields"?, "remaining"?}`); all armed or none.
pub async fn add_record_refusals(
    sim: web::Data<Sim>,
    payload: web::Payload,
) -> Result<HttpResponse, ControlRefusal> {
    let body: Value = read_json(payload).await?;
    let rules = match body {
        Value::Array(rules) => rules,
        one => vec![one],
    };
    let rules: Vec<RecordRefusal> = rules
        .into_iter()
        .map(serde_json::from_value)
        .collect::<Result<_, _>>()
        .map_err(|e| ControlRefusal::BadRequest(format!("invalid record refusal: {e}")))?;
    let mut org = sim.org.lock();
    let mut armed = org.clone_refusals_for_rollback();
    for rule in rules {
        if let Err(e) = org.refuse_updates(rule) {
            org.restore_refusals(std::mem::take(&mut armed));
            return Err(ControlRefusal::BadRequest(e));
        }
    }
    Ok(HttpResponse::Ok().json(org.record_refusals()))
}

/// `GET /__sim/faults/records`: the armed rules with what remains of each.
pub async fn record_refusals(sim: web::Data<Sim>) -> HttpResponse {
    HttpResponse::Ok().json(sim.org.lock().record_refusals())
}

/// `DELETE /__sim/faults/records`: clears every rule.
pub async fn clear_record_refusals(sim: web::Data<Sim>) -> HttpResponse {
    sim.org.lock().clear_record_refusals();
    HttpResponse::NoContent().finish()
}

/// `POST /__sim/faults/subrequests`: one rule or an array, each refusing the next `count`
/// composite subrequests to a resource (`{"resource", "method"?, "count"?}`) with `404
/// NOT_FOUND`; all armed or none.
pub async fn add_subrequest_refusals(
    sim: web::Data<Sim>,
    payload: web::Payload,
) -> Result<HttpResponse, ControlRefusal> {
    let body: Value = read_json(payload).await?;
    let rules = match body {
        Value::Array(rules) => rules,
        one => vec![one],
    };
    let rules: Vec<SubrequestRefusal> = rules
        .into_iter()
        .map(serde_json::from_value)
        .collect::<Result<_, _>>()
        .map_err(|e| ControlRefusal::BadRequest(format!("invalid subrequest refusal: {e}")))?;
    let mut org = sim.org.lock();
    let mut armed = org.subrequest_refusals().clone();
    for rule in rules {
        armed.arm(rule).map_err(ControlRefusal::BadRequest)?;
    }
    *org.subrequest_refusals() = armed;
    Ok(HttpResponse::Ok().json(org.subrequest_refusals().view()))
}

/// `GET /__sim/faults/subrequests`: the armed rules with what remains of each.
pub async fn subrequest_refusals(sim: web::Data<Sim>) -> HttpResponse {
    HttpResponse::Ok().json(sim.org.lock().subrequest_refusals().view())
}

/// `DELETE /__sim/faults/subrequests`: clears every rule.
pub async fn clear_subrequest_refusals(sim: web::Data<Sim>) -> HttpResponse {
    sim.org.lock().subrequest_refusals().clear();
    HttpResponse::NoContent().finish()
}
