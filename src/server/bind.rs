//! Assembling the HTTP server: every surface's state, shared by the server's worker threads,
//! and the listener bound to `[service] listen`; with `[admin] listen`, a second listener that
//! serves the admin API alone, which the public one then does not serve.

use std::io;
use std::net::{SocketAddr, TcpListener};

use actix_web::dev::{Server, ServerHandle};
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

/// The bound servers, not yet running: the public one and, with `[admin] listen`, the admin
/// API's own.
pub struct Servers {
    /// The port the public listener has.
    pub port: u16,
    /// The port the admin listener has, when there is one.
    pub admin_port: Option<u16>,
    public: Server,
    admin: Option<Server>,
}

/// Stops every bound server.
#[derive(Clone)]
pub struct Handles(Vec<ServerHandle>);

impl Handles {
    /// Closes the listeners and, when `graceful`, lets in-flight requests finish.
    pub async fn stop(&self, graceful: bool) {
        futures::future::join_all(self.0.iter().map(|handle| handle.stop(graceful))).await;
    }
}

impl Servers {
    /// Handles that stop the servers.
    pub fn handles(&self) -> Handles {
        let mut handles = vec![self.public.handle()];
        handles.extend(self.admin.as_ref().map(Server::handle));
        Handles(handles)
    }

    /// Serves until every server has stopped.
    pub async fn run(self) -> io::Result<()> {
        match self.admin {
            Some(admin) => futures::future::try_join(self.public, admin)
                .await
                .map(|_| ()),
            None => self.public.await,
        }
    }
}

/// Binds `service.listen` (port 0 picks one), and `admin_listen` when given, and builds the
/// servers over `surfaces`, not yet running.
pub fn bind(
    service: &ServiceConfig,
    admin_listen: Option<SocketAddr>,
    surfaces: Surfaces,
) -> Result<Servers, BindError> {
    let (listener, port) = open(service.listen)?;
    let ingress = web::Data::new(surfaces.ingress);
    let admin = web::Data::new(surfaces.admin);
    let metrics = web::Data::new(surfaces.metrics);
    let scrape = web::Data::new(surfaces.scrape);
    let readiness = web::Data::new(surfaces.readiness);
    let with_admin = admin_listen.is_none();
    let public_admin = admin.clone();
    let mut server = HttpServer::new(move || {
        App::new()
            .app_data(ingress.clone())
            .app_data(public_admin.clone())
            .app_data(metrics.clone())
            .app_data(scrape.clone())
            .app_data(readiness.clone())
            .configure(|cfg| super::routes(cfg, with_admin))
    })
    .disable_signals()
    .shutdown_timeout(service.shutdown_timeout_seconds)
    .listen(listener)
    .map_err(|source| BindError {
        address: service.listen,
        source,
    })?;
    if service.workers > 0 {
        server = server.workers(service.workers);
    }
    let mut servers = Servers {
        port,
        admin_port: None,
        public: server.run(),
        admin: None,
    };
    if let Some(address) = admin_listen {
        let (listener, port) = open(address)?;
        let server = HttpServer::new(move || {
            App::new()
                .app_data(admin.clone())
                .configure(crate::admin::api::routes)
        })
        .disable_signals()
        .shutdown_timeout(service.shutdown_timeout_seconds)
        // Operators are few; one worker serves them, its requests concurrently.
        .workers(1)
        .listen(listener)
        .map_err(|source| BindError { address, source })?;
        servers.admin_port = Some(port);
        servers.admin = Some(server.run());
    }
    Ok(servers)
}

/// A listener on `address` and the port it got.
fn open(address: SocketAddr) -> Result<(TcpListener, u16), BindError> {
    let failed = |source| BindError { address, source };
    let listener = TcpListener::bind(address).map_err(failed)?;
    let port = listener.local_addr().map_err(failed)?.port();
    Ok((listener, port))
}
