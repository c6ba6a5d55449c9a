//! Bearer tokens (JWTs) of the company's identity provider (`[admin.oidc]`): the signature
//! checked against the provider's published keys ([`keys`]), then `iss`, `aud`, `exp` and
//! `nbf` (with a small leeway, by Gatehouse's clock), then the operator named by the configured
//! claim and their roles read from a role claim or mapped from their groups.
//!
//! Only asymmetric signatures are taken (RS, PS and ES): a token signed with a shared secret,
//! or claiming to be unsigned, is refused before any key is looked at.

pub mod keys;

use std::sync::Arc;
use std::time::Duration;

use jsonwebtoken::{Algorithm, Validation};
use serde_json::{Map, Value};

use super::{Credential, Operator};
use crate::clock::Clock;
use crate::config::OidcConfig;
use crate::domain::Role;

pub use keys::{KeyCache, KeySource, KeysError};

/// The signature algorithms taken.
const ALGORITHMS: [Algorithm; 8] = [
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
];

/// Longest actor name taken from a claim.
const MAX_ACTOR_LEN: usize = 254;

/// Why a provider's token proves no operator. The texts name the fault, never the token.
#[derive(Debug, thiserror::Error)]
pub enum JwtRefusal {
    #[error("the bearer token is not a readable JWT")]
    Malformed,
    #[error("the token is signed with {0:?}; only RS, PS and ES signatures are taken")]
    Algorithm(Algorithm),
    #[error("the token's key id is none of the identity provider's signing keys")]
    UnknownKey,
    #[error("the token's signature does not verify with the identity provider's key")]
    BadSignature,
    #[error("the token was issued by another issuer than admin.oidc.issuer")]
    WrongIssuer,
    #[error("the token is not meant for admin.oidc.audience")]
    WrongAudience,
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid yet (nbf)")]
    NotYetValid,
    #[error("the token has no {0} claim")]
    MissingClaim(String),
    #[error("the token's {0} claim is not a usable operator name")]
    BadActor(&'static str),
}

impl JwtRefusal {
    /// The machine-readable reason of the refusal.
    pub fn reason(&self) -> &'static str {
        match self {
            JwtRefusal::Expired => "expired_token",
            JwtRefusal::WrongIssuer | JwtRefusal::WrongAudience => "wrong_token_issuer",
            JwtRefusal::BadSignature | JwtRefusal::UnknownKey => "bad_token_signature",
            _ => "bad_token",
        }
    }
}

/// Whether a bearer token has a JWT's shape (three base64url parts), so it is verified as one.
pub fn looks_like_jwt(text: &str) -> bool {
    text.split('.').count() == 3
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Verifies the provider's tokens.
pub struct OidcVerifier {
    config: OidcConfig,
    keys: KeyCache,
    clock: Arc<dyn Clock>,
}

impl OidcVerifier {
    /// A verifier for `config`; a JWKS file is read now.
    pub fn new(config: &OidcConfig, clock: Arc<dyn Clock>) -> Result<OidcVerifier, KeysError> {
        let source = match (&config.jwks_file, &config.jwks_url) {
            (Some(file), _) => KeySource::File(file.clone()),
            (None, Some(url)) => KeySource::Url(url.clone()),
            (None, None) => KeySource::Url(String::new()),
        };
        let refresh = Duration::from_secs(config.refresh_seconds);
        Ok(OidcVerifier {
            keys: KeyCache::new(source, refresh, clock.clone())?,
            config: config.clone(),
            clock,
        })
    }

    /// The operator the token proves.
    pub async fn verify(&self, token: &str) -> Result<Operator, JwtRefusal> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| JwtRefusal::Malformed)?;
        if !ALGORITHMS.contains(&header.alg) {
            return Err(JwtRefusal::Algorithm(header.alg));
        }
        let candidates = self.keys.candidates(header.kid.as_deref()).await;
        let mut validation = Validation::new(header.alg);
        validation.set_issuer(&[&self.config.issuer]);
        validation.set_audience(&[&self.config.audience]);
        validation.set_required_spec_claims(&["iss", "aud"]);
        // Times are checked below by Gatehouse's own clock.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        let mut refusal = JwtRefusal::UnknownKey;
        for candidate in candidates {
            if candidate
                .alg
                .is_some_and(|alg| alg.to_string() != format!("{:?}", header.alg))
            {
                refusal = JwtRefusal::BadSignature;
                continue;
            }
            match jsonwebtoken::decode::<Map<String, Value>>(token, &candidate.key, &validation) {
                Ok(data) => return self.operator(&data.claims),
                Err(e) => refusal = refused(&e),
            }
        }
        Err(refusal)
    }

    /// The operator of verified claims, once their times hold.
    fn operator(&self, claims: &Map<String, Value>) -> Result<Operator, JwtRefusal> {
        let now = self.clock.now().timestamp();
        let leeway = i64::try_from(self.config.leeway_seconds).unwrap_or(0);
        let time = |name: &str| claims.get(name).and_then(Value::as_f64).map(|t| t as i64);
        let exp = time("exp").ok_or_else(|| JwtRefusal::MissingClaim("exp".into()))?;
        if now > exp.saturating_add(leeway) {
            return Err(JwtRefusal::Expired);
        }
        if time("nbf").is_some_and(|nbf| now.saturating_add(leeway) < nbf) {
            return Err(JwtRefusal::NotYetValid);
        }
        let claim = self.config.actor_claim.name();
        let actor = claims
            .get(claim)
            .ok_or_else(|| JwtRefusal::MissingClaim(claim.to_owned()))?
            .as_str()
            .map(str::trim)
            .filter(|a| !a.is_empty() && a.len() <= MAX_ACTOR_LEN)
            .filter(|a| !a.chars().any(char::is_control))
            .ok_or(JwtRefusal::BadActor(claim))?;
        Ok(Operator {
            actor: actor.to_owned(),
            roles: self.roles(claims),
            credential: Credential::Oidc,
        })
    }

    /// The roles the role claim names and the groups map to, least first.
    fn roles(&self, claims: &Map<String, Value>) -> Vec<Role> {
        let mut roles: Vec<Role> = Vec::new();
        if let Some(claim) = &self.config.role_claim {
            roles.extend(strings(claims.get(claim)).filter_map(Role::parse));
        }
        roles.extend(
            strings(claims.get(&self.config.groups_claim))
                .filter_map(|group| self.config.groups.get(group).copied()),
        );
        roles.sort();
        roles.dedup();
        roles
    }
}

/// A claim's strings: itself when a string, its string items when a list.
fn strings(value: Option<&Value>) -> impl Iterator<Item = &str> {
    let items: Vec<&str> = match value {
        Some(Value::String(one)) => vec![one.as_str()],
        Some(Value::Array(many)) => many.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    items.into_iter()
}

fn refused(error: &jsonwebtoken::errors::Error) -> JwtRefusal {
    use jsonwebtoken::errors::ErrorKind;
    match error.kind() {
        ErrorKind::InvalidIssuer => JwtRefusal::WrongIssuer,
        ErrorKind::InvalidAudience => JwtRefusal::WrongAudience,
        ErrorKind::MissingRequiredClaim(claim) => JwtRefusal::MissingClaim(claim.clone()),
        ErrorKind::InvalidSignature | ErrorKind::InvalidAlgorithm => JwtRefusal::BadSignature,
        _ => JwtRefusal::Malformed,
    }
}

#[cfg(test)]
mod tests;
