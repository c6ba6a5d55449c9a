//! Assembling the HTTP server: every surface's state, shared by the server's worker threads,
//! and the listener bound to `[service] listen`.

use std::io;
use std::net::{SocketAddr, TcpListener};

use actix_web::dev::Server;
use actix_web::{App, HttpServer, web};

use super::Readiness;
use super::scrape::Scrape;
use crate::admin::api::Admin;
use crate::config::ServiceConfig;
use crate::ingress::http::Ingress;
use crate::telemetry::Metrics;

/// The state of every surface the server mounts.
pub struct Surfaces {
    /// The webhook routes.
    pub ingress: Ingress,
    /// The operators' API.
    pub admin: Admin,
    /// The registry `/metrics` encodes.
    pub metrics: Metrics,
    /// The gauges set when `/metrics` is scraped.
    pub scrape: Scrape,
    /// What `/readyz` looks at.
    pub readiness: Readiness,
}

/// The listener could not be opened or served.
#[derive(Debug, thiserror::Error)]
#[error("binding {address}")]
pub struct BindError {
    address: SocketAddr,
    #[source]
    source: io::Error,
}

/// Binds `service.listen` (port 0 picks one) and builds the server over `surfaces`, not yet
/// running; returns the port it listens on with it.
pub fn bind(service: &ServiceConfig, surfaces: Surfaces) -> Result<(u16, Server), BindError> {
    let address = service.listen;
    let failed = |source| BindError { address, source };
    let listener = TcpListener::bind(address).map_err(failed)?;
    let port = listener.local_addr().map_err(failed)?.port();
    let ingress = web::Data::new(surfaces.ingress);
    let admin = web::Data::new(surfaces.admin);
    let metrics = web::Data::new(surfaces.metrics);
    let scrape = web::Data::new(surfaces.scrape);
    let readiness = web::Data::new(surfaces.readiness);
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(ingress.clone())
            .app_data(admin.clone())
            .app_data(metrics.clone())
            .app_data(scrape.clone())
            .app_data(readiness.clone())
            .configure(super::routes)
    })
    .disable_signals()
    .shutdown_timeout(service.shutdown_timeout_seconds)
    .listen(listener)
    .map_err(failed)?;
    if service.workers > 0 {
        server = server.workers(service.workers);
    }
    Ok((port, server.run()))
}
