//! Signed webhooks over HTTP, the health and metrics endpoints, and the operators' admin API.

pub mod admin;
mod health;
mod metrics;
pub mod problem;
mod state;
pub mod verify;
mod webhook;

use actix_web::web;

pub use problem::Problem;
pub use state::{Ingress, Source};

/// Mounts the webhook, health, metrics and admin routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(metrics::metrics)
        .service(webhook::receive)
        .service(webhook::okta_challenge)
        .configure(admin::routes);
}
