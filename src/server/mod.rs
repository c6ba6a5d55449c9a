//! The HTTP server every surface shares: [`bind`] assembles it over each surface's state
//! ([`Surfaces`]); it mounts the webhook routes (`ingress::http`), the admin API
//! (`admin::api`, or on a listener of its own with `[admin] listen`), and its own health ([`health`]) and metrics ([`metrics`]) endpoints, and
//! says whether the service is ready ([`lifecycle`]).

mod bind;
mod health;
pub mod lifecycle;
mod metrics;
mod readiness;
pub mod scrape;

use actix_web::web;

pub use bind::{BindError, Handles, Servers, Surfaces, bind};
pub use readiness::{Readiness, Verdict};

/// Mounts the public listener's routes: health, metrics, webhooks, and the admin API unless
/// it has a listener of its own (`with_admin` false).
pub fn routes(cfg: &mut web::ServiceConfig, with_admin: bool) {
    cfg.service(health::healthz)
        .service(health::readyz)
        .service(metrics::metrics)
        .configure(crate::ingress::http::routes);
    if with_admin {
        cfg.configure(crate::admin::api::routes);
    }
}
