//! Building the application from settings and running it until it is told to stop.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::{Server, ServerHandle};
use actix_web::{App, HttpServer, web};
use anyhow::Context;

use crate::clock::Clock;
use crate::config::{Settings, StoreConfig};
use crate::ingress::http::{self, Ingress};
use crate::lifecycle::Lifecycle;
use crate::store::{SqliteOptions, Store};

/// A built, listening application that has not started serving yet.
pub struct Application {
    port: u16,
    server: Server,
    store: Store,
    lifecycle: Arc<Lifecycle>,
    drain_delay: Duration,
}

/// Stops a running [`Application`]: drain (readiness 503) for the configured delay, then close
/// the listener and let in-flight requests finish.
#[derive(Clone)]
pub struct Shutdown {
    handle: ServerHandle,
    lifecycle: Arc<Lifecycle>,
    drain_delay: Duration,
}

impl Shutdown {
    /// Begins a graceful stop and waits until the server has stopped.
    pub async fn stop(&self) {
        self.lifecycle.start_draining();
        tracing::info!(
            drain_delay_ms = self.drain_delay.as_millis() as u64,
            "draining before shutdown"
        );
        if !self.drain_delay.is_zero() {
            tokio::time::sleep(self.drain_delay).await;
        }
        self.handle.stop(true).await;
    }
}

impl Application {
    /// Opens the store, builds the sources and binds the listener (`listen` port 0 picks one).
    pub async fn build(settings: &Settings, clock: Arc<dyn Clock>) -> anyhow::Result<Application> {
        let store = match &settings.store {
            StoreConfig::Sqlite { path, max_batch } => Store::open_sqlite(
                path,
                SqliteOptions {
                    max_batch: *max_batch,
                    ..SqliteOptions::default()
                },
            )
            .await
            .with_context(|| format!("opening the SQLite store at {}", path.display()))?,
        };
        let lifecycle = Arc::new(Lifecycle::default());
        let ingress = Ingress::new(settings, store.clone(), clock, lifecycle.clone())?;
        let ingress = web::Data::new(ingress);

        let listener = TcpListener::bind(settings.service.listen)
            .with_context(|| format!("binding {}", settings.service.listen))?;
        let port = listener.local_addr()?.port();
        let mut server =
            HttpServer::new(move || App::new().app_data(ingress.clone()).configure(http::routes))
                .disable_signals()
                .shutdown_timeout(settings.service.shutdown_timeout_seconds)
                .listen(listener)?;
        if settings.service.workers > 0 {
            server = server.workers(settings.service.workers);
        }
        tracing::info!(port, "listening");
        Ok(Application {
            port,
            server: server.run(),
            store,
            lifecycle,
            drain_delay: Duration::from_secs(settings.service.drain_delay_seconds),
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The store the application writes to.
    pub fn store(&self) -> Store {
        self.store.clone()
    }

    /// A handle that stops the application gracefully.
    pub fn shutdown(&self) -> Shutdown {
        Shutdown {
            handle: self.server.handle(),
            lifecycle: self.lifecycle.clone(),
            drain_delay: self.drain_delay,
        }
    }

    /// Serves until stopped through a [`Shutdown`] handle, then flushes and closes the store.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        self.server.await.context("HTTP server failed")?;
        self.store.close().await;
        tracing::info!("stopped");
        Ok(())
    }
}
