//! The REST data API under `/services/data/`.

use actix_web::web;

/// Registers the versioned data routes (mounted under `/services/data/v{version}`).
pub fn routes(_cfg: &mut web::ServiceConfig) {}

/// PLACEHOLDER (edge branch) until the org's data API lands: `GET /services/data` answers the
/// version list; the real handler replaces this.
pub async fn versions() -> actix_web::HttpResponse {
    actix_web::HttpResponse::Ok().json(serde_json::json!([
        {"label": "Winter '27", "url": "/services/data/v68.0", "version": "68.0"}
    ]))
}
