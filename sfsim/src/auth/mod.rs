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

pub use certificate::{CertificateError, verification_key};
pub use endpoint::{JWT_BEARER_GRANT, TokenForm};
pub use identity::{identity, identity_url};
pub use jwt_bearer::{LOGIN_AUDIENCES, MAX_ASSERTION_LIFETIME_SECS};
pub use principal::Principal;
pub use refusal::OAuthRefusal;
pub use session::{invalid_session, require_session};
pub use tokens::{DEFAULT_LIFETIME, Session, Tokens};

/// The apps that ask for tokens are part of the org; named here too, where they are used.
pub use crate::org::ConnectedApp;

/// Registers the token endpoints (mounted under `/services/oauth2`).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/token").route(web::post().to(endpoint::token)))
        .service(
            web::resource("/revoke")
                .route(web::post().to(endpoint::revoke))
                .route(web::get().to(endpoint::revoke)),
        );
}
