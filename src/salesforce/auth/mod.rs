//! Getting an access token, server to server, and keeping it.
//!
//! - `credentials`: what Gatehouse proves itself with (a consumer key and a private key, or a
//!   consumer key and secret); keys and secrets never print.
//! - `grant`: asking the token endpoint for a token (OAuth 2.0 JWT bearer or client
//!   credentials).
//! - `token_cache`: the one token every call of a client shares, replaced at most once per
//!   expiry however many callers notice it.
//! - `error` and `hints`: why no token was issued, with what the admin should check.

mod credentials;
mod error;
mod grant;
mod hints;
mod token_cache;

pub use credentials::{Credentials, KeyError};
pub use error::AuthError;
pub(crate) use grant::{Authenticator, Session};
pub(crate) use token_cache::TokenCache;
