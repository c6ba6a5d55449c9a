//! Building the application from settings and running it until it is told to stop.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

use actix_web::dev::{Server, ServerHandle};
use actix_web::{App, HttpServer, web};
use anyhow::Context;

use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::admin::api::Admin;
use crate::clock::Clock;
use crate::config::{Settings, StoreConfig};
use crate::engine::executor::Executor;
use crate::engine::intake::Intake;
use crate::engine::plan::ProvisionPolicy;
use crate::engine::read::KeyFields;
use crate::engine::retry::RetryPolicy;
use crate::engine::worker::Worker;
use crate::ingress::http::Ingress;
use crate::ingress::kafka::{self as consume, Consumer};
use crate::mapping::MappingRules;
use crate::salesforce::{Connection, connect};
use crate::server::lifecycle::Lifecycle;
use crate::server::scrape::Scrape;
use crate::server::{self, Readiness};
use crate::store::{SqliteOptions, Store};
use crate::telemetry::Metrics;

/// Loads the settings as [`Settings::load`] does and compiles the mapping rules with them, so
/// every problem of either is reported at once.
pub fn load_settings(
    file: Option<&std::path::Path>,
) -> Result<Settings, crate::config::ConfigError> {
    Settings::load_checked(file, MappingRules::problems)
}

/// A built, listening application that has not started serving yet.
pub struct Application {
    port: u16,
    server: Server,
    store: Store,
    lifecycle: Arc<Lifecycle>,
    drain_delay: Duration,
    connection: Connection,
    engine: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
    /// Records from `[kafka]`'s topics into the inbox, when any are configured.
    consumer: Option<Consumer>,
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
            StoreConfig::Sqlite { path, max_batch } => Store::open_sqlite_with_clock(
                path,
                SqliteOptions {
                    max_batch: *max_batch,
                    ..SqliteOptions::default()
                },
                clock.clone(),
            )
            .await
            .with_context(|| format!("opening the SQLite store at {}", path.display()))?,
        };
        let rules = MappingRules::build(settings).map_err(|e| anyhow::anyhow!("{e}"))?;
        let org = settings
            .salesforce
            .as_ref()
            .context("no [salesforce] org is configured")?;
        let connection = connect(org, clock.clone())
            .await
            .context("connecting to the Salesforce org")?;
        if let Some(sim) = connection.simulated() {
            tracing::info!(
                instance_url = sim.base_url,
                "simulated Salesforce org started in-process"
            );
        }
        let metrics = Metrics::new();
        connection.client().report_to(&metrics);
        let engine = &settings.engine;
        let executor = Arc::new(
            Executor::new(
                connection.client().clone(),
                store.clone(),
                clock.clone(),
                KeyFields {
                    contact: org.contact_key_field().to_owned(),
                    account: org.account_key_field().to_owned(),
                },
                ProvisionPolicy {
                    adopt_by_email: engine.adopt_contacts_by_email,
                    contact_key_field: org.contact_key_field().to_owned(),
                },
                RetryPolicy {
                    base: Duration::from_secs(engine.retry_base_seconds),
                    max_delay: Duration::from_secs(engine.retry_max_seconds),
                    max_attempts: engine.max_attempts,
                    ..RetryPolicy::default()
                },
            )
            .with_metrics(metrics.clone()),
        );
        let intake_wake = Arc::new(Notify::new());
        let worker_wake = Arc::new(Notify::new());
        let cancel = CancellationToken::new();
        let intake =
            Intake::new(store.clone(), rules, worker_wake.clone()).with_metrics(metrics.clone());
        let worker = Worker {
            store: store.clone(),
            executor,
            clock: clock.clone(),
            concurrency: engine.concurrency,
            worker_id: engine.worker_id.clone(),
            lease: chrono::TimeDelta::seconds(engine.lease_seconds as i64),
            licence_check: (engine.licence_check_seconds > 0)
                .then(|| chrono::TimeDelta::seconds(engine.licence_check_seconds as i64)),
        };
        let grace = Duration::from_secs(settings.service.shutdown_timeout_seconds);
        let mut tasks = vec![
            tokio::spawn(intake.run(intake_wake.clone(), cancel.clone())),
            tokio::spawn(worker.run(worker_wake.clone(), cancel.clone(), grace)),
        ];
        // Outcome events out: the Kafka relay (with [kafka.outcomes]) and outbox pruning.
        tasks.extend(crate::publish::kafka::spawn(
            settings, &store, &metrics, &cancel, grace,
        )?);
        tasks.extend(crate::publish::Pruner::spawn(
            settings, &store, &clock, &cancel,
        ));

        let kafka = consume::Wiring {
            store: store.clone(),
            clock: clock.clone(),
            intake: intake_wake.clone(),
            metrics: metrics.clone(),
            drain_limit: grace,
        };

        let admin = web::Data::new(Admin::new(
            &settings.admin,
            store.clone(),
            clock.clone(),
            intake_wake.clone(),
            worker_wake,
        )?);
        let lifecycle = Arc::new(Lifecycle::default());
        let scrape = web::Data::new(Scrape::new(
            metrics.clone(),
            store.clone(),
            connection.client().clone(),
            Duration::from_secs(settings.telemetry.licence_poll_seconds),
        ));
        let metrics = web::Data::new(metrics);
        let readiness = web::Data::new(Readiness {
            store: store.clone(),
            lifecycle: lifecycle.clone(),
        });
        let ingress = Ingress::new(settings, store.clone(), clock, intake_wake)?;
        let ingress = web::Data::new(ingress);

        let listener = TcpListener::bind(settings.service.listen)
            .with_context(|| format!("binding {}", settings.service.listen))?;
        let port = listener.local_addr()?.port();
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(ingress.clone())
                .app_data(admin.clone())
                .app_data(metrics.clone())
                .app_data(scrape.clone())
                .app_data(readiness.clone())
                .configure(server::routes)
        })
        .disable_signals()
        .shutdown_timeout(settings.service.shutdown_timeout_seconds)
        .listen(listener)?;
        if settings.service.workers > 0 {
            server = server.workers(settings.service.workers);
        }
        tracing::info!(port, "listening");
        // Last, so nothing after it can fail and leave the consumer running alone.
        let consumer = Consumer::start(settings, kafka).context("starting the Kafka consumer")?;
        Ok(Application {
            port,
            server: server.run(),
            store,
            lifecycle,
            drain_delay: Duration::from_secs(settings.service.drain_delay_seconds),
            connection,
            engine: cancel,
            tasks,
            consumer,
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

    /// The simulated org's instance URL, when the config selected the simulated org.
    pub fn simulated_org_url(&self) -> Option<String> {
        self.connection.simulated().map(|sim| sim.base_url.clone())
    }

    /// Serves until stopped through a [`Shutdown`] handle; then stops the Kafka consumer (the
    /// records in flight finish and their offsets are committed), lets running commands finish,
    /// stops the engine, and flushes and closes the store.
    pub async fn run_until_stopped(self) -> anyhow::Result<()> {
        let served = self.server.await.context("HTTP server failed");
        if let Some(consumer) = self.consumer {
            consumer.stop().await;
        }
        self.engine.cancel();
        for task in self.tasks {
            let _ = task.await;
        }
        self.connection.close().await;
        self.store.close().await;
        served?;
        tracing::info!("stopped");
        Ok(())
    }
}
