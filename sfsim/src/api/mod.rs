//! The REST data API under `/services/data/`.

use actix_web::web;

/// Registers the versioned data routes (mounted under `/services/data/v{version}`).
pub fn routes(_cfg: &mut web::ServiceConfig) {}
