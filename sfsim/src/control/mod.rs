//! Observation and control endpoints under `/__sim/`, never mixed with the API.
//!
//! No authentication and no Salesforce shapes: this is the test's side door into the org.
//! JSON in and out; a request that does not fit gets `400 {"error","message"}` saying why.

mod org;
mod refusal;
mod session;
mod traffic;

use actix_web::web;

pub use refusal::{CONTROL_BODY_LIMIT, ControlRefusal};

/// Registers the control routes (mounted under `/__sim`).
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/fixture", web::post().to(org::load_fixture))
        .route("/reset", web::post().to(org::reset))
        .route("/state", web::get().to(org::state))
        .route("/emails", web::get().to(org::emails))
        .route("/settings", web::get().to(org::settings))
        .route("/settings", web::patch().to(org::patch_settings))
        .route("/requests", web::get().to(traffic::requests))
        .route("/requests", web::put().to(traffic::set_request_log))
        .route("/requests", web::delete().to(traffic::clear_requests))
        .route("/calls", web::get().to(traffic::calls))
        .route("/faults", web::get().to(traffic::faults))
        .route("/faults", web::put().to(traffic::put_faults))
        .route("/faults/script", web::get().to(traffic::scripts))
        .route("/faults/script", web::post().to(traffic::add_script))
        .route("/faults/script", web::delete().to(traffic::clear_scripts))
        .route("/faults/script/{id}", web::delete().to(traffic::remove_script))
        .route("/limits", web::get().to(traffic::limits))
        .route("/limits", web::put().to(traffic::put_limits))
        .route("/tokens", web::get().to(session::tokens))
        .route("/tokens", web::put().to(session::put_tokens))
        .route("/tokens/revoke", web::post().to(session::revoke))
        .route("/clock", web::get().to(session::clock))
        .route("/clock", web::put().to(session::put_clock));
}
