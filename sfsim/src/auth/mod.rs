//! OAuth token endpoint (client credentials, JWT bearer), session checks and the identity
//! service a token's `id` URL points at.
//!
//! Both flows are the server-to-server ones Salesforce documents; neither issues a refresh
//! token, so a client re-runs its flow when the data API answers `INVALID_SESSION_ID`.

mod certificate;
mod client_credentials;
mod endpoint;
mod identity;
mod jwt_bearer;
mod principal;
mod refusal;
mod session;
mod signature;
mod tokens;

use actix_web::web;
use serde::{Deserialize, Serialize};

pub use certificate::{CertificateError, verification_key};
pub use endpoint::{JWT_BEARER_GRANT, TokenForm};
pub use identity::{identity, identity_url};
pub use jwt_bearer::{LOGIN_AUDIENCES, MAX_ASSERTION_LIFETIME_SECS};
pub use principal::Principal;
pub use refusal::OAuthRefusal;
pub use session::{invalid_session, require_session};
pub use tokens::{DEFAULT_LIFETIME, Session, Tokens};

/// A connected app (or external client app) that may ask for tokens. Comes from the fixture.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectedApp {
    /// Label, for people.
    pub name: String,
    /// The consumer key: `client_id` in the client-credentials flow, `iss` in a JWT bearer assertion.
    pub client_id: String,
    /// The consumer secret for the client-credentials flow; `None` disables that flow for the app.
    #[serde(default)]
    pub client_secret: Option<String>,
    /// PEM certificate whose key signs JWT bearer assertions; `None` disables that flow for the app.
    #[serde(default)]
    pub certificate_pem: Option<String>,
    /// Username of the user the client-credentials flow runs as (the integration user).
    pub run_as: String,
}

/// The secret stays out of debug output, so an app can be logged while diagnosing a fixture.
impl std::fmt::Debug for ConnectedApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ConnectedApp")
            .field("name", &self.name)
            .field("client_id", &self.client_id)
            .field(
                "client_secret",
                &self.client_secret.as_ref().map(|_| "[redacted]"),
            )
            .field("has_certificate", &self.certificate_pem.is_some())
            .field("run_as", &self.run_as)
            .finish()
    }
}

/// Registers the token endpoints (mounted under `/services/oauth2`).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/token").route(web::post().to(endpoint::token)))
        .service(
            web::resource("/revoke")
                .route(web::post().to(endpoint::revoke))
                .route(web::get().to(endpoint::revoke)),
        );
}
