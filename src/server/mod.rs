//! The HTTP server every surface shares: [`bind`] assembles it over each surface's state
//! ([`Surfaces`]); it mounts the webhook routes (`ingress::http`), the admin API
//! (`admin::api`), and its own health ([`health`]) and metrics ([`metrics`]) endpoints, and
//! says whether the service is ready ([`lifecycle`]).

mod bind;
mod health;
pub mod lifecycle;
mod metrics;
mod readiness;
pub mod scrape;

use actix_web::web;

pub use bind::{BindError, Surfaces, bind};
pub use readiness::{Readiness, Verdict};

/// Mounts every route: health, metrics, webhooks and the admin API.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(metrics::metrics)
        .configure(crate::ingress::http::routes)
        .configure(crate::admin::api::routes);
}
