//! `POST /services/oauth2/token` and `/services/oauth2/revoke`.

use std::collections::HashMap;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use base64::Engine;
use futures::StreamExt;
use serde::Serialize;

use super::refusal::OAuthRefusal;
use super::{client_credentials, jwt_bearer, signature};
use crate::state::Sim;

/// The grant type of the JWT bearer flow (RFC 7523).
pub const JWT_BEARER_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// A token request is a few hundred bytes (a JWT a few kilobytes); anything far larger is not one.
const FORM_LIMIT: usize = 64 * 1024;

/// The fields of a form-encoded token request; the first occurrence of a name wins.
pub struct TokenForm(HashMap<String, String>);

impl TokenForm {
    /// Reads `application/x-www-form-urlencoded` bytes; malformed pairs decode leniently.
    pub fn parse(body: &[u8]) -> Self {
        let mut fields = HashMap::new();
        for (name, value) in url::form_urlencoded::parse(body) {
            fields
                .entry(name.into_owned())
                .or_insert_with(|| value.into_owned());
        }
        TokenForm(fields)
    }

    /// The value of one field, if given.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }
}

/// What a successful token request answers. No refresh token: neither server-to-server flow
/// issues one.
#[derive(Serialize)]
struct AccessGrant {
    access_token: String,
    scope: &'static str,
    instance_url: String,
    id: String,
    token_type: &'static str,
    issued_at: String,
    signature: String,
}

/// Issues an access token by client credentials or JWT bearer.
pub async fn token(
    req: HttpRequest,
    sim: web::Data<Sim>,
    payload: web::Payload,
) -> Result<HttpResponse, OAuthRefusal> {
    let body = read_form(payload).await?;
    let form = TokenForm::parse(&body);
    let now = sim.clock.now();
    let (app, user, org_id) = {
        let org = sim.org.lock();
        let (app, user) = match form.get("grant_type") {
            Some("client_credentials") => {
                client_credentials::authenticate(&org, &form, basic_credentials(&req))?
            }
            Some(JWT_BEARER_GRANT) => {
                jwt_bearer::authenticate(&org, form.get("assertion").unwrap_or_default(), now)?
            }
            _ => return Err(OAuthRefusal::UNSUPPORTED_GRANT_TYPE),
        };
        (app, user, org.org_id().to_owned())
    };
    let (access_token, session) =
        sim.auth
            .issue(&org_id, &user.id, &user.username, &app.client_id, now);
    let base = &sim.site.base_url;
    let id = format!("{base}/id/{org_id}/{}", user.id);
    let issued_at = session.issued_at.timestamp_millis().to_string();
    let key = app.client_secret.as_deref().unwrap_or(&app.client_id);
    let signature = signature::sign(key.as_bytes(), format!("{id}{issued_at}").as_bytes());
    Ok(HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .json(AccessGrant {
            access_token,
            scope: "api",
            instance_url: base.clone(),
            id,
            token_type: "Bearer",
            issued_at,
            signature,
        }))
}

/// Revokes one access token (`token=` in the form body, or in the query string as Salesforce
/// also allows with GET).
pub async fn revoke(
    req: HttpRequest,
    sim: web::Data<Sim>,
    payload: web::Payload,
) -> Result<HttpResponse, OAuthRefusal> {
    let body = read_form(payload).await?;
    let form = TokenForm::parse(&body);
    let query = TokenForm::parse(req.query_string().as_bytes());
    let token = form
        .get("token")
        .or_else(|| query.get("token"))
        .unwrap_or_default();
    if sim.auth.revoke(token) {
        Ok(HttpResponse::Ok().finish())
    } else {
        Err(OAuthRefusal::UNKNOWN_TOKEN)
    }
}

async fn read_form(mut payload: web::Payload) -> Result<Vec<u8>, OAuthRefusal> {
    let mut body = Vec::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| OAuthRefusal::OVERSIZED_REQUEST)?;
        if body.len() + chunk.len() > FORM_LIMIT {
            return Err(OAuthRefusal::OVERSIZED_REQUEST);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// `Authorization: Basic base64(client_id:client_secret)`, if present and well formed.
fn basic_credentials(req: &HttpRequest) -> Option<(String, String)> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}
