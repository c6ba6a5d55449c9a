//! Signed webhooks over HTTP, plus the health endpoints.

mod health;
pub mod problem;
mod state;
pub mod verify;
mod webhook;

use actix_web::web;

pub use problem::Problem;
pub use state::{Ingress, Source};

/// Mounts the webhook and health routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(webhook::receive)
        .service(webhook::okta_challenge);
}
