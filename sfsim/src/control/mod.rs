//! Observation and control endpoints under `/__sim/`, never mixed with the API.
//!
//! No authentication and no Salesforce shapes: this is the test's side door into the org.
//! JSON in and out; a request that does not fit gets `400 {"error","message"}` saying why.

mod org;
mod refusal;
mod session;
mod traffic;
mod users;

use actix_web::web;

pub use refusal::{CONTROL_BODY_LIMIT, ControlRefusal};

/// What any `/__sim/` path without an endpoint answers.
pub async fn unknown(
    req: actix_web::HttpRequest,
) -> Result<actix_web::HttpResponse, ControlRefusal> {
    Err(ControlRefusal::NotFound(format!(
        "no control endpoint at {}",
        req.path()
    )))
}

/// Registers the control routes (mounted under `/__sim`). One resource per path, so a
/// method a path does not take answers 405 rather than 404.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(web::resource("/fixture").route(web::post().to(org::load_fixture)))
        .service(web::resource("/users").route(web::post().to(users::create)))
        .service(
            web::resource("/users/{user}")
                .route(web::get().to(users::show))
                .route(web::patch().to(users::change)),
        )
        .service(web::resource("/reset").route(web::post().to(org::reset)))
        .service(web::resource("/state").route(web::get().to(org::state)))
        .service(web::resource("/emails").route(web::get().to(org::emails)))
        .service(
            web::resource("/settings")
                .route(web::get().to(org::settings))
                .route(web::patch().to(org::patch_settings)),
        )
        .service(
            web::resource("/requests")
                .route(web::get().to(traffic::requests))
                .route(web::put().to(traffic::set_request_log))
                .route(web::delete().to(traffic::clear_requests)),
        )
        .service(web::resource("/calls").route(web::get().to(traffic::calls)))
        .service(
            web::resource("/faults")
                .route(web::get().to(traffic::faults))
                .route(web::put().to(traffic::put_faults)),
        )
        .service(
            web::resource("/faults/script")
                .route(web::get().to(traffic::scripts))
                .route(web::post().to(traffic::add_script))
                .route(web::delete().to(traffic::clear_scripts)),
        )
        .service(
            web::resource("/faults/records")
                .route(web::get().to(org::record_refusals))
                .route(web::post().to(org::add_record_refusals))
                .route(web::delete().to(org::clear_record_refusals)),
        )
        .service(
            web::resource("/faults/subrequests")
                .route(web::get().to(org::subrequest_refusals))
                .route(web::post().to(org::add_subrequest_refusals))
                .route(web::delete().to(org::clear_subrequest_refusals)),
        )
        .service(
            web::resource("/faults/group-lock")
                .route(web::get().to(traffic::group_lock))
                .route(web::put().to(traffic::force_group_lock)),
        )
        .service(
            web::resource("/faults/script/{id}").route(web::delete().to(traffic::remove_script)),
        )
        .service(
            web::resource("/limits")
                .route(web::get().to(traffic::limits))
                .route(web::put().to(traffic::put_limits)),
        )
        .service(
            web::resource("/tokens")
                .route(web::get().to(session::tokens))
                .route(web::put().to(session::put_tokens)),
        )
        .service(web::resource("/tokens/revoke").route(web::post().to(session::revoke)))
        .service(
            web::resource("/clock")
                .route(web::get().to(session::clock))
                .route(web::put().to(session::put_clock)),
        );
}
