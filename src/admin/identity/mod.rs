//! Who an operator is and what they may do: named tokens ([`tokens`]), the identity provider's
//! bearer tokens ([`oidc`]), and the [`Operator`] either one proves, with their roles.
//!
//! The actor the records keep is the credential's own name — a token's `name`, or the claim the
//! provider vouches for — never something the request says about itself. An HTTP surface
//! authenticates a bearer token through [`Identities::authenticate`], then checks the role a
//! route needs with [`Operator::require`].

pub mod oidc;
pub mod tokens;

use std::borrow::Cow;
use std::sync::Arc;

use crate::clock::Clock;
use crate::config::AdminConfig;
use crate::domain::Role;

pub use oidc::{JwtRefusal, OidcVerifier};
pub use tokens::NamedTokens;

/// How an operator proved who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// A token of `[admin] token` or `[[admin.operators]]`.
    Token,
    /// A bearer token (JWT) of the identity provider.
    Oidc,
}

/// An operator whose credential was checked: the actor the records keep and the roles held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operator {
    /// The token's name, or the provider's claim (which may be an email address).
    pub actor: String,
    /// Every role held, least first; empty when the provider maps the person to none.
    pub roles: Vec<Role>,
    pub credential: Credential,
}

/// An operator lacks the role an action needs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("this needs role {needed}; {actor} holds {held}")]
pub struct Forbidden {
    pub needed: Role,
    pub actor: String,
    /// The roles held, as text (`none` when there are none).
    pub held: String,
}

impl Operator {
    /// An operator holding one role.
    pub fn new(actor: impl Into<String>, role: Role, credential: Credential) -> Operator {
        Operator {
            actor: actor.into(),
            roles: vec![role],
            credential,
        }
    }

    /// Whether a role held grants `needed`.
    pub fn may(&self, needed: Role) -> bool {
        self.roles.iter().any(|held| held.grants(needed))
    }

    /// `Ok` when a role held grants `needed`; otherwise what to tell them.
    pub fn require(&self, needed: Role) -> Result<(), Forbidden> {
        if self.may(needed) {
            return Ok(());
        }
        Err(Forbidden {
            needed,
            actor: self.logged().into_owned(),
            held: self.roles_text(),
        })
    }

    /// The roles held, comma-separated; `none` when there are none.
    pub fn roles_text(&self) -> String {
        if self.roles.is_empty() {
            return "none".to_owned();
        }
        let names: Vec<&str> = self.roles.iter().map(|r| r.as_str()).collect();
        names.join(",")
    }

    /// The actor as log lines may show it: an email address (a provider's `email` claim)
    /// becomes its keyed hash.
    pub fn logged(&self) -> Cow<'_, str> {
        crate::telemetry::mask::mask_emails(&self.actor)
    }
}

/// Why a bearer token proves no operator.
#[derive(Debug, thiserror::Error)]
pub enum Unauthenticated {
    /// Neither a configured token nor (when one is configured) a token of the provider.
    #[error("the bearer token is none of the configured operators' tokens")]
    UnknownToken,
    /// A token of the provider's shape that does not verify.
    #[error(transparent)]
    Jwt(#[from] JwtRefusal),
}

/// The configured identities could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum IdentityError {
    #[error("reading an operator's token")]
    Secret(#[from] crate::config::SecretError),
    #[error("{second} has the same token as {first}; give every operator a token of their own")]
    SameToken { first: String, second: String },
    #[error("admin.operators: {name}'s token_sha256 is not 64 hex digits")]
    BadDigest { name: String },
    #[error("admin.oidc")]
    Oidc(#[from] oidc::KeysError),
}

/// Every way an operator can prove who they are, as configured.
pub struct Identities {
    tokens: NamedTokens,
    oidc: Option<OidcVerifier>,
}

impl Identities {
    /// The identities `[admin]` configures; `None` when it configures none (the admin
    /// endpoints are then off). Reads tokens, and a JWKS file, now.
    pub fn from_config(
        config: &AdminConfig,
        clock: Arc<dyn Clock>,
    ) -> Result<Option<Identities>, IdentityError> {
        if !config.is_on() {
            return Ok(None);
        }
        let tokens = NamedTokens::from_config(config)?;
        let oidc = match &config.oidc {
            Some(oidc) => Some(OidcVerifier::new(oidc, clock)?),
            None => None,
        };
        Ok(Some(Identities { tokens, oidc }))
    }

    /// The operator `bearer` proves: a configured token (compared in constant time), or else,
    /// with `[admin.oidc]`, a JWT of the provider.
    pub async fn authenticate(&self, bearer: &[u8]) -> Result<Operator, Unauthenticated> {
        if let Some(operator) = self.tokens.find(bearer) {
            return Ok(operator);
        }
        match (&self.oidc, std::str::from_utf8(bearer)) {
            (Some(oidc), Ok(text)) if oidc::looks_like_jwt(text) => Ok(oidc.verify(text).await?),
            _ => Err(Unauthenticated::UnknownToken),
        }
    }
}

#[cfg(test)]
mod tests;
