//! The identity service: `GET /id/{orgId}/{userId}`, the URL every token answer carries as
//! `id`. Clients call it to learn who a token acts for (jsforce's `identity()`, health checks
//! that want more than "the token works").
//!
//! It is not part of the data API: the token may come as `Authorization: Bearer …` or as
//! `?oauth_token=`, refusals are one word of plain text (`403 Bad_OAuth_Token`), and calls are
//! neither counted against the daily allowance nor faulted.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde_json::{Value, json};

use super::endpoint::TokenForm;
use super::session::bearer_token;
use crate::ids;
use crate::org::Org;
use crate::state::Sim;
use crate::version::CURRENT_VERSION;

/// Answers for the user named in the path, to any live token of the same org. Salesforce also
/// lets a token of an administrator read other users of its org; sfsim's tokens all act for
/// users who may.
pub async fn identity(
    req: HttpRequest,
    path: web::Path<(String, String)>,
    sim: web::Data<Sim>,
) -> HttpResponse {
    let query = TokenForm::parse(req.query_string().as_bytes());
    let token = bearer_token(req.headers())
        .or_else(|| query.get("oauth_token"))
        .filter(|t| !t.trim().is_empty());
    let Some(token) = token else {
        return refusal(StatusCode::FORBIDDEN, "Missing_OAuth_Token");
    };
    let Some(session) = sim.auth.session(token, sim.clock.now()) else {
        return refusal(StatusCode::FORBIDDEN, "Bad_OAuth_Token");
    };
    if query
        .get("format")
        .is_some_and(|f| !f.eq_ignore_ascii_case("json"))
    {
        // XML and URL-encoded answers are not simulated.
        return refusal(StatusCode::NOT_ACCEPTABLE, "Unsupported_Format");
    }
    let (org_segment, user_segment) = path.into_inner();
    let org = sim.org.lock();
    if ids::to18(&org_segment).as_deref() != Some(org.org_id()) {
        return refusal(StatusCode::FORBIDDEN, "Wrong_Org");
    }
    let user = ids::to18(&user_segment)
        .filter(|id| ids::key_prefix(id) == Some(ids::USER))
        .and_then(|id| org.record(&id));
    let Some(user) = user else {
        return refusal(StatusCode::NOT_FOUND, "Bad_Id");
    };
    if !user.flag("IsActive") {
        return refusal(StatusCode::NOT_FOUND, "Inactive");
    }
    let version = match query.get("version") {
        Some("latest") => CURRENT_VERSION.to_owned(),
        Some(v) if crate::version::is_supported(v) => v.to_owned(),
        // Salesforce leaves the placeholder in when no version is asked for.
        _ => "{version}".to_owned(),
    };
    let text = |name: &str| user.text(name).map_or(Value::Null, |v| json!(v));
    let base = &sim.site.base_url;
    let rest = format!("{base}/services/data/v{version}/");
    HttpResponse::Ok().json(json!({
        "id": identity_url(&sim.site.login_url, &org, &user.id),
        "asserted_user": session.user_id == user.id,
        "user_id": user.id,
        "organization_id": org.org_id(),
        "username": text("Username"),
        "nick_name": text("CommunityNickname"),
        "display_name": text("Name"),
        "email": text("Email"),
        "first_name": text("FirstName"),
        "last_name": text("LastName"),
        "timezone": text("TimeZoneSidKey"),
        "active": true,
        "user_type": user.text("UserType").map(identity_user_type),
        "language": text("LanguageLocaleKey"),
        "locale": text("LocaleSidKey"),
        "last_modification_date": text("LastModifiedDate"),
        "is_app_installed": true,
        "urls": {
            "rest": rest,
            "sobjects": format!("{rest}sobjects/"),
            "query": format!("{rest}query/"),
            "limits": format!("{rest}limits/"),
            "profile": format!("{base}/{}", user.id),
        },
    }))
}

/// `{login}/id/{orgId}/{userId}`: the identity URL of a user, as token answers give it.
pub fn identity_url(login_url: &str, org: &Org, user_id: &str) -> String {
    format!("{login_url}/id/{}/{user_id}", org.org_id())
}

/// The identity service spells user types in capitals: `PowerPartner` is `POWER_PARTNER`.
fn identity_user_type(user_type: &str) -> String {
    let mut out = String::new();
    for (i, c) in user_type.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

/// The identity service's refusal: a status and one word of plain text.
fn refusal(status: StatusCode, word: &'static str) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/plain; charset=utf-8")
        .body(word)
}

#[cfg(test)]
mod tests;
