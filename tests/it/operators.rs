//! Who operators are and what they may do: every role on every admin route (from the role
//! table the server itself reads), named tokens, the identity provider's bearer tokens (JWTs)
//! verified against a JWKS served by the test, separation of duties on the guard's holds, and
//! the admin API on a listener of its own.

mod audit;
mod idp;
mod listener;
mod oidc;
mod roles;
mod tokens;
