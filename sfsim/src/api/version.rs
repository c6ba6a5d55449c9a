//! API versions: the list at `/services/data/`, the resources of one version at
//! `/services/data/vXX.X`, and which versions the data API answers.

use actix_web::{HttpMessage, HttpRequest, HttpResponse, ResponseError, web};
use serde_json::{Value, json};

use crate::auth::{Session, identity_url, invalid_session};
use crate::error::ApiError;
use crate::state::Sim;

/// The oldest version the org answers (upsert answers 200 on update from here on).
pub const OLDEST: u32 = 46;
/// The current version: Winter '27.
pub const CURRENT: u32 = 68;

/// `GET /services/data/`: every supported version, oldest first. Needs no session.
pub async fn versions() -> HttpResponse {
    HttpResponse::Ok().json(version_list())
}

/// The version list as JSON.
pub fn version_list() -> Value {
    let list: Vec<Value> = (OLDEST..=CURRENT)
        .map(|v| {
            json!({
                "label": release_label(v),
                "url": format!("/services/data/v{v}.0"),
                "version": format!("{v}.0"),
            })
        })
        .collect();
    Value::Array(list)
}

/// `GET /services/data/vXX.X`: the version's resources, by name. Salesforce lists dozens; these
/// are the ones sfsim answers, plus `identity`, the caller's identity URL (jsforce's
/// `identity()` starts here).
pub async fn resources(req: HttpRequest, sim: web::Data<Sim>) -> HttpResponse {
    let Some(session) = req.extensions().get::<Session>().cloned() else {
        return invalid_session().error_response();
    };
    let version = req.match_info().get("version").unwrap_or_default();
    let base = format!("/services/data/v{version}");
    let identity = identity_url(&sim.site.login_url, &sim.org.lock(), &session.user_id);
    HttpResponse::Ok().json(json!({
        "sobjects": format!("{base}/sobjects"),
        "query": format!("{base}/query"),
        "queryAll": format!("{base}/queryAll"),
        "composite": format!("{base}/composite"),
        "limits": format!("{base}/limits"),
        "identity": identity,
    }))
}

/// Salesforce releases three times a year: v46.0 was Summer '19, then Winter, Spring, Summer.
fn release_label(version: u32) -> String {
    let step = version.saturating_sub(OLDEST);
    let season = ["Summer", "Winter", "Spring"][(step % 3) as usize];
    let year = 19 + step.div_ceil(3);
    format!("{season} '{year:02}")
}

/// The version of a `v68.0` path segment (`"68.0"`), or 404 for anything the org does not
/// answer (wrong shape, too old, newer than the org).
pub fn parse(segment: &str) -> Result<String, ApiError> {
    let not_found = || ApiError::not_found("The requested resource does not exist");
    let number = segment.strip_prefix('v').ok_or_else(not_found)?;
    let (major, minor) = number.split_once('.').ok_or_else(not_found)?;
    let major: u32 = major
        .parse()
        .ok()
        .filter(|_| major.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(not_found)?;
    if minor != "0" || !(OLDEST..=CURRENT).contains(&major) {
        return Err(not_found());
    }
    Ok(format!("{major}.0"))
}

#[cfg(test)]
mod tests;
