//! Wiring and start-up: binds the port, builds the shared state, mounts the routes.

use std::sync::Arc;

use actix_web::{App, HttpServer, web};
use parking_lot::Mutex;

use crate::auth::Tokens;
use crate::org::Org;
use crate::state::Sim;
use crate::traffic::Traffic;

/// How to start a simulated org.
#[derive(Debug, Clone, Default)]
pub struct SimConfig {
    /// Port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
}

/// A running simulated org.
pub struct SimHandle {
    /// `http://127.0.0.1:PORT` (the instance URL, also the login URL).
    pub base_url: String,
    pub port: u16,
    pub sim: web::Data<Sim>,
    server: actix_web::dev::ServerHandle,
}

impl SimHandle {
    /// Stops the server gracefully.
    pub async fn stop(self) {
        self.server.stop(true).await;
    }
}

/// Starts simulated orgs.
pub struct SimServer;

impl SimServer {
    /// Starts one on a tokio runtime that is already running, and returns once it listens.
    pub async fn start(config: SimConfig) -> std::io::Result<SimHandle> {
        let sim = web::Data::from(Arc::new(Sim {
            org: Mutex::new(Org::default_org()),
            auth: Tokens::default(),
            traffic: Traffic::default(),
        }));
        let data = sim.clone();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .service(web::scope("/__sim").configure(crate::control::routes))
                .service(web::scope("/services/data/v{version}").configure(crate::api::routes))
        })
        .workers(2)
        .bind(("127.0.0.1", config.port))?;
        let port = server
            .addrs()
            .first()
            .map(|a| a.port())
            .unwrap_or(config.port);
        let server = server.run();
        let handle = server.handle();
        tokio::spawn(server);
        Ok(SimHandle {
            base_url: format!("http://127.0.0.1:{port}"),
            port,
            sim,
            server: handle,
        })
    }
}
