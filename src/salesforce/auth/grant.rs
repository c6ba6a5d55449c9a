//! Getting an access token, server to server: OAuth 2.0 JWT bearer or client credentials.
//!
//! Neither flow issues a refresh token, and Salesforce does not say when an access token
//! expires: a token is used until a call answers `INVALID_SESSION_ID`, then replaced
//! (see `token_cache.rs`).

use std::fmt;
use std::sync::Arc;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::credentials::Credentials;
use super::error::AuthError;
use super::hints::hint_for;
use crate::clock::Clock;
use crate::config::salesforce::default_jwt_audience;
use crate::salesforce::raw_text::raw_text;

/// The grant type of the JWT bearer flow (RFC 7523).
const JWT_BEARER_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// How far ahead a JWT assertion expires. Salesforce refuses more than three minutes; a little
/// less leaves room for clock skew between this machine and Salesforce's.
const ASSERTION_LIFETIME_SECONDS: i64 = 150;

/// A token and where to use it.
pub struct Session {
    pub(crate) access_token: SecretString,
    /// Where data calls go: the org's own host, not the login host.
    pub instance_url: String,
    /// The identity URL, `…/id/{orgId}/{userId}`.
    pub identity: String,
    /// Which token this is, counting from 1 per client; lets concurrent callers that saw the
    /// same expired token agree that one replacement is enough.
    pub generation: u64,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("instance_url", &self.instance_url)
            .field("generation", &self.generation)
            .finish_non_exhaustive()
    }
}

/// Asks the token endpoint for tokens.
pub struct Authenticator {
    http: reqwest::Client,
    login_url: String,
    credentials: Credentials,
    clock: Arc<dyn Clock>,
}

#[derive(Serialize)]
struct Assertion<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    exp: i64,
}

#[derive(Deserialize)]
struct Grant {
    access_token: String,
    instance_url: String,
    #[serde(default)]
    id: String,
}

#[derive(Deserialize)]
struct OAuthRefusal {
    error: String,
    #[serde(default)]
    error_description: String,
}

impl Authenticator {
    /// `login_url` is the token endpoint's host (`https://login.salesforce.com`, a sandbox's
    /// `https://test.salesforce.com` or the My Domain URL). Unless the credentials name one,
    /// the JWT audience is derived from it (`default_jwt_audience`).
    pub fn new(
        http: reqwest::Client,
        login_url: &str,
        credentials: Credentials,
        clock: Arc<dyn Clock>,
    ) -> Self {
        Authenticator {
            http,
            login_url: login_url.trim_end_matches('/').to_owned(),
            credentials,
            clock,
        }
    }

    /// Asks for a new token. `generation` is stamped on the session.
    pub async fn authenticate(&self, generation: u64) -> Result<Session, AuthError> {
        let form = self.form()?;
        // The URL is left out of the cause: the token endpoint's is no secret, but every
        // transport error of this client is told the same way.
        let unreachable = |e: reqwest::Error| AuthError::Unreachable(e.without_url());
        let answer = self
            .http
            .post(format!("{}/services/oauth2/token", self.login_url))
            .header(reqwest::header::ACCEPT, "application/json")
            .form(&form)
            .send()
            .await
            .map_err(unreachable)?;
        let status = answer.status().as_u16();
        let body = answer.bytes().await.map_err(unreachable)?;
        if status == 200 {
            return self.session_of(&body, generation);
        }
        match serde_json::from_slice::<OAuthRefusal>(&body) {
            Ok(refusal) if status < 500 => Err(AuthError::Refused {
                hint: hint_for(&refusal.error, &refusal.error_description),
                error: refusal.error,
                description: refusal.error_description,
            }),
            _ => Err(AuthError::Unexpected {
                status,
                detail: raw_text(&body),
            }),
        }
    }

    /// Reads a `200` answer: a grant whose `instance_url` is where data calls will go, with
    /// the access token. That is `https`, unless the login URL is this machine's (a simulated
    /// org on loopback): a plain `http` instance would carry the token in the clear.
    fn session_of(&self, body: &[u8], generation: u64) -> Result<Session, AuthError> {
        const STATUS: u16 = 200;
        let grant: Grant = serde_json::from_slice(body).map_err(|cause| AuthError::NotAGrant {
            status: STATUS,
            cause,
        })?;
        let local_login = url::Url::parse(&self.login_url)
            .is_ok_and(|login| crate::config::outcomes::is_loopback(&login));
        let parsed = url::Url::parse(&grant.instance_url)
            .ok()
            .filter(|u| matches!(u.scheme(), "https" | "http") && u.host().is_some())
            .ok_or_else(|| AuthError::Unexpected {
                status: STATUS,
                detail: "the grant's instance_url is not a URL".to_owned(),
            })?;
        if parsed.scheme() == "http" && !local_login {
            return Err(AuthError::Unexpected {
                status: STATUS,
                detail: format!(
                    "the grant's instance_url {} is plain http; the access token would travel in the clear, so it is not used (http is accepted only from a login URL on this machine)",
                    parsed.origin().ascii_serialization()
                ),
            });
        }
        let instance_url = grant.instance_url.trim_end_matches('/').to_owned();
        Ok(Session {
            access_token: SecretString::from(grant.access_token),
            instance_url,
            identity: grant.id,
            generation,
        })
    }

    fn form(&self) -> Result<Vec<(&'static str, String)>, AuthError> {
        Ok(match &self.credentials {
            Credentials::JwtBearer {
                client_id,
                username,
                key,
                audience,
            } => {
                // Salesforce refuses a My Domain URL as the audience, so the login URL is
                // not used as is: unset, it is the shared login host of the org's kind.
                let audience = audience
                    .as_deref()
                    .unwrap_or_else(|| default_jwt_audience(&self.login_url));
                vec![
                    ("grant_type", JWT_BEARER_GRANT.to_owned()),
                    (
                        "assertion",
                        self.assertion(client_id, username, audience, key)?,
                    ),
                ]
            }
            Credentials::ClientCredentials {
                client_id,
                client_secret,
            } => vec![
                ("grant_type", "client_credentials".to_owned()),
                ("client_id", client_id.clone()),
                ("client_secret", client_secret.expose_secret().to_owned()),
            ],
        })
    }

    /// The signed assertion: `iss` the consumer key, `sub` the username, `aud` the configured
    /// audience or the one derived from the login URL.
    fn assertion(
        &self,
        client_id: &str,
        username: &str,
        audience: &str,
        key: &EncodingKey,
    ) -> Result<String, AuthError> {
        let claims = Assertion {
            iss: client_id,
            sub: username,
            aud: audience,
            exp: self.clock.now().timestamp() + ASSERTION_LIFETIME_SECONDS,
        };
        jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, key)
            .map_err(AuthError::Unsigned)
    }
}

#[cfg(test)]
mod tests;
