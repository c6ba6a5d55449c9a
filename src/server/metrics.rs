//! `GET /metrics`: every metric in the OpenMetrics text format Prometheus scrapes.
//!
//! Unauthenticated, like the health endpoints: it holds counts, source and licence names, never
//! personal data. Keep it inside the cluster (the NetworkPolicy in k8s/ admits only the
//! monitoring namespace).

use actix_web::{HttpResponse, get, web};

use crate::server::scrape::Scrape;
use crate::telemetry::CONTENT_TYPE;

/// Brings the gauges up to date, then answers every metric.
#[get("/metrics")]
pub async fn metrics(scrape: web::Data<Scrape>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(CONTENT_TYPE)
        .body(scrape.render().await)
}
