//! Getting an access token, server to server: OAuth 2.0 JWT bearer or client credentials.
//!
//! Neither flow issues a refresh token, and Salesforce does not say when an access token
//! expires: a token is used until a call answers `INVALID_SESSION_ID`, then replaced
//! (see `token.rs`).

use std::fmt;
use std::sync::Arc;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

use super::error::{Disposition, raw_text};
use super::failure::describe_transport;
use super::hints::hint_for;
use crate::clock::Clock;

/// The grant type of the JWT bearer flow (RFC 7523).
const JWT_BEARER_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/// How far ahead a JWT assertion expires. Salesforce refuses more than three minutes; a little
/// less leaves room for clock skew between this machine and Salesforce's.
const ASSERTION_LIFETIME_SECONDS: i64 = 150;

/// What Gatehouse proves itself with.
pub enum Credentials {
    /// The connected app's consumer key, the integration user's username and the private key
    /// whose certificate is uploaded to the app; `audience` is the assertion's `aud` when it is
    /// not the login URL.
    JwtBearer {
        client_id: String,
        username: String,
        key: EncodingKey,
        audience: Option<String>,
    },
    /// The app's consumer key and secret; Salesforce runs the calls as the app's "Run As" user.
    ClientCredentials {
        client_id: String,
        client_secret: SecretString,
    },
}

impl Credentials {
    /// JWT bearer credentials from a PEM private key (PKCS#8 or PKCS#1). The key is tried once
    /// here, so a wrong file is reported at start-up rather than at the first token request.
    pub fn jwt_bearer(
        client_id: impl Into<String>,
        username: impl Into<String>,
        private_key_pem: &SecretString,
    ) -> Result<Credentials, String> {
        let key = EncodingKey::from_rsa_pem(private_key_pem.expose_secret().as_bytes())
            .map_err(|e| format!("the private key is not an RSA key in PEM form ({e})"))?;
        jsonwebtoken::encode(&Header::new(Algorithm::RS256), &serde_json::json!({}), &key)
            .map_err(|e| format!("the private key cannot sign with RS256 ({e})"))?;
        Ok(Credentials::JwtBearer {
            client_id: client_id.into(),
            username: username.into(),
            key,
            audience: None,
        })
    }

    /// The same credentials with another JWT audience (no effect on client credentials).
    pub fn with_audience(mut self, aud: Option<String>) -> Credentials {
        if let Credentials::JwtBearer { audience, .. } = &mut self {
            *audience = aud.map(|a| a.trim_end_matches('/').to_owned());
        }
        self
    }
}

/// Never shows the key or the secret.
impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Credentials::JwtBearer {
                client_id,
                username,
                audience,
                ..
            } => f
                .debug_struct("JwtBearer")
                .field("client_id", client_id)
                .field("username", username)
                .field("audience", audience)
                .finish_non_exhaustive(),
            Credentials::ClientCredentials { client_id, .. } => f
                .debug_struct("ClientCredentials")
                .field("client_id", client_id)
                .finish_non_exhaustive(),
        }
    }
}

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

/// Why no token was issued. The message says what the admin should check.
#[derive(Debug, Clone, thiserror::Error)]
pub enum AuthError {
    /// The token endpoint said no.
    #[error("Salesforce refused to issue an access token ({error}: {description}); {hint}")]
    Refused {
        error: String,
        description: String,
        hint: &'static str,
    },
    /// No answer from the token endpoint.
    #[error("the token endpoint could not be reached: {reason}")]
    Unreachable { reason: String },
    /// An answer that is neither a token nor an OAuth error.
    #[error("the token endpoint answered {status}: {detail}")]
    Unexpected { status: u16, detail: String },
}

impl AuthError {
    /// Refusals need the admin; an unreachable or failing endpoint may recover.
    pub fn disposition(&self) -> Disposition {
        match self {
            AuthError::Refused { .. } => Disposition::Permanent,
            AuthError::Unreachable { .. } => Disposition::Transient,
            AuthError::Unexpected { status, .. } if *status >= 500 => Disposition::Transient,
            AuthError::Unexpected { .. } => Disposition::Permanent,
        }
    }

    /// OAuth's error code (`invalid_grant`), or Gatehouse's own.
    pub fn code(&self) -> &str {
        match self {
            AuthError::Refused { error, .. } => error,
            AuthError::Unreachable { .. } => "TOKEN_ENDPOINT_UNREACHABLE",
            AuthError::Unexpected { .. } => "TOKEN_ENDPOINT_ERROR",
        }
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
    /// `https://test.salesforce.com` or the My Domain URL); it is also the JWT audience.
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
        let answer = self
            .http
            .post(format!("{}/services/oauth2/token", self.login_url))
            .header(reqwest::header::ACCEPT, "application/json")
            .form(&form)
            .send()
            .await
            .map_err(|e| AuthError::Unreachable {
                reason: describe_transport(e),
            })?;
        let status = answer.status().as_u16();
        let body = answer.bytes().await.map_err(|e| AuthError::Unreachable {
            reason: describe_transport(e),
        })?;
        if status == 200 {
            let grant: Grant =
                serde_json::from_slice(&body).map_err(|e| AuthError::Unexpected {
                    status,
                    detail: format!("not a token grant ({e})"),
                })?;
            let instance_url = url::Url::parse(&grant.instance_url)
                .ok()
                .filter(|u| matches!(u.scheme(), "https" | "http") && u.host().is_some())
                .map(|_| grant.instance_url.trim_end_matches('/').to_owned())
                .ok_or_else(|| AuthError::Unexpected {
                    status,
                    detail: "the grant's instance_url is not a URL".to_owned(),
                })?;
            return Ok(Session {
                access_token: SecretString::from(grant.access_token),
                instance_url,
                identity: grant.id,
                generation,
            });
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

    fn form(&self) -> Result<Vec<(&'static str, String)>, AuthError> {
        Ok(match &self.credentials {
            Credentials::JwtBearer {
                client_id,
                username,
                key,
                audience,
            } => {
                let audience = audience.as_deref().unwrap_or(&self.login_url);
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

    /// The signed assertion: `iss` the consumer key, `sub` the username, `aud` the login URL
    /// (or the configured audience).
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
        jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims, key).map_err(|e| {
            AuthError::Refused {
                error: "assertion_not_signed".to_owned(),
                description: e.to_string(),
                hint: "check that private_key is the RSA key whose certificate is uploaded to the connected app",
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    fn dev_key() -> SecretString {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/sfsim/fixtures/keys/gatehouse-dev.key"
        );
        SecretString::from(std::fs::read_to_string(path).unwrap())
    }

    #[test]
    fn the_assertion_names_app_user_and_login_host_and_expires_within_three_minutes() {
        let clock = ManualClock::at_unix_seconds(1_800_000_000);
        let credentials =
            Credentials::jwt_bearer("3MVG9app", "integration@example.com", &dev_key()).unwrap();
        let auth = Authenticator::new(
            reqwest::Client::new(),
            "https://login.salesforce.com/",
            credentials,
            clock.shared(),
        );
        let form = auth.form().unwrap();
        assert_eq!(form[0], ("grant_type", JWT_BEARER_GRANT.to_owned()));
        let mut validation = jsonwebtoken::Validation::new(Algorithm::RS256);
        validation.insecure_disable_signature_validation();
        validation.validate_exp = false;
        validation.set_audience(&["https://login.salesforce.com"]);
        let token = jsonwebtoken::decode::<serde_json::Value>(
            &form[1].1,
            &jsonwebtoken::DecodingKey::from_secret(b"unused"),
            &validation,
        )
        .unwrap();
        assert_eq!(token.header.alg, Algorithm::RS256);
        let claims = token.claims;
        assert_eq!(claims["iss"], "3MVG9app");
        assert_eq!(claims["sub"], "integration@example.com");
        assert_eq!(claims["aud"], "https://login.salesforce.com");
        let exp = claims["exp"].as_i64().unwrap();
        assert!(exp > 1_800_000_000 && exp <= 1_800_000_000 + 180, "{exp}");
    }

    #[test]
    fn a_configured_audience_replaces_the_login_url_in_the_assertion() {
        let credentials = Credentials::jwt_bearer("app", "user", &dev_key())
            .unwrap()
            .with_audience(Some("https://test.salesforce.com/".into()));
        let auth = Authenticator::new(
            reqwest::Client::new(),
            "https://acme--uat.sandbox.my.salesforce.com",
            credentials,
            ManualClock::at_unix_seconds(0).shared(),
        );
        let form = auth.form().unwrap();
        let mut validation = jsonwebtoken::Validation::new(Algorithm::RS256);
        validation.insecure_disable_signature_validation();
        validation.validate_exp = false;
        validation.set_audience(&["https://test.salesforce.com"]);
        let token = jsonwebtoken::decode::<serde_json::Value>(
            &form[1].1,
            &jsonwebtoken::DecodingKey::from_secret(b"unused"),
            &validation,
        )
        .unwrap();
        assert_eq!(token.claims["aud"], "https://test.salesforce.com");
    }

    #[test]
    fn a_file_that_is_not_an_rsa_key_is_refused_up_front() {
        let err = Credentials::jwt_bearer("a", "b", &SecretString::from("not a key")).unwrap_err();
        assert!(err.contains("PEM"), "{err}");
    }

    #[test]
    fn debug_never_shows_secrets() {
        let creds = Credentials::ClientCredentials {
            client_id: "app".into(),
            client_secret: SecretString::from("hunter2-secret"),
        };
        assert!(!format!("{creds:?}").contains("hunter2"));
        let jwt = Credentials::jwt_bearer("app", "user", &dev_key()).unwrap();
        assert!(!format!("{jwt:?}").contains("PRIVATE"));
        let session = Session {
            access_token: SecretString::from("00Dxx!token-value"),
            instance_url: "https://acme.my.salesforce.com".into(),
            identity: String::new(),
            generation: 1,
        };
        assert!(!format!("{session:?}").contains("token-value"));
    }

    #[test]
    fn refusals_need_the_admin_and_outages_may_pass() {
        let refused = AuthError::Refused {
            error: "invalid_grant".into(),
            description: "inactive user".into(),
            hint: hint_for("invalid_grant", "inactive user"),
        };
        assert_eq!(refused.disposition(), Disposition::Permanent);
        assert!(refused.to_string().contains("inactive user"));
        let outage = AuthError::Unexpected {
            status: 503,
            detail: "down".into(),
        };
        assert_eq!(outage.disposition(), Disposition::Transient);
    }
}
