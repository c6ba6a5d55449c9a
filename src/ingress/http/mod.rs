//! Signed webhooks over HTTP, plus the health and metrics endpoints.

mod health;
mod metrics;
pub mod problem;
mod state;
pub mod verify;
mod webhook;

use actix_web::web;

pub use problem::Problem;
pub use state::{Ingress, Source};

/// Mounts the webhook, health and metrics routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(metrics::metrics)
        .service(webhook::receive)
        .service(webhook::okta_challenge);
}
