//! Observation and control endpoints under `/__sim/`, never mixed with the API.

use actix_web::web;

/// Registers the control routes (mounted under `/__sim`).
pub fn routes(_cfg: &mut web::ServiceConfig) {}
