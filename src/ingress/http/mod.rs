//! Signed webhooks over HTTP: each source's verifier ([`verify`]), its sender's limits, and the
//! receiving handler.

mod limits;
mod state;
pub mod verify;
mod webhook;

use actix_web::web;

pub use state::{Ingress, Source};

/// Mounts the webhook routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(webhook::receive)
        .service(webhook::okta_challenge);
}
