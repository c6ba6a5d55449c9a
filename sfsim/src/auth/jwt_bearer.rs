//! The JWT bearer flow: an RS256 assertion signed with the key behind the app's certificate
//! buys a token for the user named in `sub`.

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, Validation};
use serde::Deserialize;
use serde_json::Value;

use super::ConnectedApp;
use super::certificate::verification_key;
use super::principal::Principal;
use super::refusal::OAuthRefusal;
use crate::org::Org;

/// Salesforce refuses assertions that expire more than three minutes ahead.
pub const MAX_ASSERTION_LIFETIME_SECS: i64 = 180;

/// The audiences Salesforce accepts: the production and sandbox login hosts. An Experience
/// Cloud site URL is accepted too, but the simulated org models no site URLs; a My Domain URL
/// (for this org, its own base URL) is refused (Salesforce Help, "OAuth 2.0 JWT Bearer Flow
/// for Server-to-Server Integration").
pub const LOGIN_AUDIENCES: [&str; 2] = [
    "https://login.salesforce.com",
    "https://test.salesforce.com",
];

#[derive(Deserialize)]
struct Claims {
    #[serde(default)]
    iss: Option<String>,
    #[serde(default)]
    sub: Option<String>,
    #[serde(default)]
    aud: Option<Value>,
    #[serde(default)]
    exp: Option<Value>,
}

/// Verifies `assertion` and finds its user.
pub fn authenticate(
    org: &Org,
    assertion: &str,
    now: DateTime<Utc>,
) -> Result<(ConnectedApp, Principal), OAuthRefusal> {
    let header =
        jsonwebtoken::decode_header(assertion).map_err(|_| OAuthRefusal::INVALID_ASSERTION)?;
    if header.alg != Algorithm::RS256 {
        return Err(OAuthRefusal::INVALID_ASSERTION);
    }
    // The issuer picks the certificate, so the claims are read once unverified to find it,
    // then again with the signature checked; nothing unverified is trusted beyond the lookup.
    let unverified = read_claims(assertion, None)?;
    let issuer = unverified.iss.ok_or(OAuthRefusal::INVALID_ASSERTION)?;
    let app = org
        .connected_apps()
        .iter()
        .find(|app| app.client_id == issuer)
        .ok_or(OAuthRefusal::UNKNOWN_CLIENT)?;
    let certificate = app
        .certificate_pem
        .as_deref()
        .ok_or(OAuthRefusal::INVALID_ASSERTION)?;
    let key = verification_key(certificate).map_err(|_| OAuthRefusal::INVALID_ASSERTION)?;
    let claims = read_claims(assertion, Some(&key))?;

    if !audience_accepted(claims.aud.as_ref()) {
        return Err(OAuthRefusal::BAD_AUDIENCE);
    }
    let exp = claims
        .exp
        .as_ref()
        .and_then(|exp| exp.as_i64().or_else(|| exp.as_f64().map(|f| f as i64)))
        .ok_or(OAuthRefusal::INVALID_ASSERTION)?;
    let now_secs = now.timestamp();
    if exp <= now_secs {
        return Err(OAuthRefusal::EXPIRED_ASSERTION);
    }
    if exp - now_secs > MAX_ASSERTION_LIFETIME_SECS {
        return Err(OAuthRefusal::INVALID_ASSERTION);
    }
    let subject = claims.sub.ok_or(OAuthRefusal::INVALID_ASSERTION)?;
    let user = Principal::find(org, &subject).ok_or(OAuthRefusal::NOT_APPROVED)?;
    if !user.active {
        return Err(OAuthRefusal::INACTIVE_USER);
    }
    Ok((app.clone(), user))
}

/// Decodes the claims; with a key, only if the RS256 signature holds. Time and audience are
/// checked by the caller against the simulated clock and the accepted audiences.
fn read_claims(
    assertion: &str,
    key: Option<&jsonwebtoken::DecodingKey>,
) -> Result<Claims, OAuthRefusal> {
    let mut validation = Validation::new(Algorithm::RS256);
    validation.validate_exp = false;
    validation.validate_aud = false;
    validation.required_spec_claims.clear();
    let placeholder = jsonwebtoken::DecodingKey::from_secret(&[]);
    let key = match key {
        Some(key) => key,
        None => {
            validation.insecure_disable_signature_validation();
            &placeholder
        }
    };
    jsonwebtoken::decode::<Claims>(assertion, key, &validation)
        .map(|data| data.claims)
        .map_err(|_| OAuthRefusal::INVALID_ASSERTION)
}

/// Whether `aud` (one string or an array) names an accepted audience; a trailing slash is
/// tolerated.
fn audience_accepted(aud: Option<&Value>) -> bool {
    let accepted = |candidate: &str| LOGIN_AUDIENCES.contains(&candidate.trim_end_matches('/'));
    match aud {
        Some(Value::String(one)) => accepted(one),
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).any(accepted),
        _ => false,
    }
}
