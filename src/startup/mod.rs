//! Building the application from settings and running it until it is told to stop.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

mod open;

use crate::admin::api::Admin;
use crate::clock::Clock;
use crate::config::{SalesforceConfig, Settings};
use crate::engine::executor::Executor;
use crate::engine::intake::Intake;
use crate::engine::licences::LicenceCounts;
use crate::engine::plan::ProvisionPolicy;
use crate::engine::read::KeyFields;
use crate::engine::retry::RetryPolicy;
use crate::engine::roll_call::RollCall;
use crate::engine::worker::{Batching, Worker};
use crate::ingress::http::Ingress;
use crate::ingress::kafka::{self as consume, Consumer};
use crate::mapping::MappingRules;
use crate::reconcile::licences::LicenceDesk;
use crate::reconcile::roster::{self, Rosters};
use crate::salesforce::{Connection, OrgFactsCache};
use crate::server::lifecycle::Lifecycle;
use crate::server::scrape::Scrape;
use crate::server::{self, Handles, Readiness, Servers, Surfaces};
use crate::store::Store;
use crate::telemetry::Metrics;
use open::{connect_org, open_store, read_org_shape};

/// Loads the settings as [`Settings::load`] does and compiles the mapping rules with them, so
/// every problem of either is reported at once.
pub fn load_settings(
    file: Option<&std::path::Path>,
) -> Result<Settings, crate::config::ConfigError> {
    Settings::load_checked(file, MappingRules::problems)
}

/// A built, listening application that has not started serving yet.
pub struct Application {
    servers: Servers,
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
    handles: Handles,
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
        self.handles.stop(true).await;
    }
}

impl Application {
    /// Opens the store, connects the org, starts the engine and the publishing tasks, and binds
    /// the listener (`listen` port 0 picks one); the Kafka consumer starts last.
    pub async fn build(settings: &Settings, clock: Arc<dyn Clock>) -> anyhow::Result<Application> {
        let store = open_store(&settings.store, clock.clone()).await?;
        store.set_guard(settings.guard.policy());
        if !settings.guard.enabled {
            tracing::warn!("the mass-deprovision guard is off ([guard] enabled = false)");
        }
        let rules = MappingRules::build(settings).context("compiling the mapping rules")?;
        let (org, connection) = connect_org(settings, clock.clone()).await?;
        let shared = Shared {
            store,
            clock,
            metrics: Metrics::new(),
            intake_wake: Arc::new(Notify::new()),
            worker_wake: Arc::new(Notify::new()),
            cancel: CancellationToken::new(),
            grace: Duration::from_secs(settings.service.shutdown_timeout_seconds),
            licences: LicenceCounts::default(),
        };
        connection.client().report_to(&shared.metrics);
        crate::doctor::at_start(settings, org, &connection).await?;
        let facts = read_org_shape(org, &connection).await;
        let rosters = Arc::new(Rosters::new(
            settings,
            shared.store.clone(),
            shared.clock.clone(),
            rules.clone(),
            shared.worker_wake.clone(),
        ));
        let mut tasks = spawn_engine(settings, org, &connection, rules, &shared, facts);
        tasks.extend(spawn_publishing(settings, &shared)?);
        let worker_id = &settings.engine.worker_id;
        tasks.extend(roster::spawn(
            rosters.clone(),
            worker_id,
            shared.cancel.clone(),
        ));
        let lifecycle = Arc::new(Lifecycle::default());
        let surfaces = surfaces(settings, &connection, &lifecycle, &shared)?;
        tasks.extend(surfaces.admin.reconciler.clone().and_then(|r| {
            crate::reconcile::org::spawn(
                r,
                worker_id,
                shared.worker_wake.clone(),
                shared.cancel.clone(),
            )
        }));
        let surfaces = Surfaces {
            admin: surfaces.admin.with_rosters(rosters),
            ..surfaces
        };
        let servers = server::bind(&settings.service, settings.admin.listen, surfaces)?;
        tracing::info!(
            port = servers.port,
            admin_port = servers.admin_port,
            "listening"
        );
        // Last, so nothing after it can fail and leave the consumer running alone.
        let consumer = Consumer::start(settings, shared.kafka_wiring())
            .context("starting the Kafka consumer")?;
        Ok(Application {
            servers,
            store: shared.store,
            lifecycle,
            drain_delay: Duration::from_secs(settings.service.drain_delay_seconds),
            connection,
            engine: shared.cancel,
            tasks,
            consumer,
        })
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.servers.port
    }

    /// The port of the admin API's own listener (`[admin] listen`), when it has one.
    pub fn admin_port(&self) -> Option<u16> {
        self.servers.admin_port
    }

    /// The store the application writes to.
    pub fn store(&self) -> Store {
        self.store.clone()
    }

    /// A handle that stops the application gracefully.
    pub fn shutdown(&self) -> Shutdown {
        Shutdown {
            handles: self.servers.handles(),
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
        let served = self.servers.run().await.context("HTTP server failed");
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

/// What the running parts share, built once and handed to each.
struct Shared {
    store: Store,
    clock: Arc<dyn Clock>,
    metrics: Metrics,
    /// Wakes the intake when an event lands in the inbox.
    intake_wake: Arc<Notify>,
    /// Wakes the worker when a command is queued.
    worker_wake: Arc<Notify>,
    /// Stops the engine's and the publishers' tasks.
    cancel: CancellationToken,
    /// How long a stopping task may take to finish what it holds.
    grace: Duration,
    /// The org's free licences per type: provisions write new users by them, the licence
    /// gauges and the freed-licence check refresh them.
    licences: LicenceCounts,
}

impl Shared {
    /// What the Kafka consumer needs to put records into the inbox.
    fn kafka_wiring(&self) -> consume::Wiring {
        consume::Wiring {
            store: self.store.clone(),
            clock: self.clock.clone(),
            intake: self.intake_wake.clone(),
            metrics: self.metrics.clone(),
            drain_limit: self.grace,
        }
    }
}

/// Starts the intake (inbox → commands), the worker (commands → org) and the replica's roll
/// call (its share of the org's concurrent calls).
fn spawn_engine(
    settings: &Settings,
    org: &SalesforceConfig,
    connection: &Connection,
    rules: MappingRules,
    shared: &Shared,
    facts: Arc<OrgFactsCache>,
) -> Vec<JoinHandle<()>> {
    let engine = &settings.engine;
    let executor = Arc::new(
        Executor::new(
            connection.client().clone(),
            shared.store.clone(),
            shared.clock.clone(),
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
        .with_org_facts(facts)
        .with_licence_counts(shared.licences.clone())
        .with_metrics(shared.metrics.clone()),
    );
    let intake = Intake::new(shared.store.clone(), rules, shared.worker_wake.clone())
        .with_metrics(shared.metrics.clone());
    let worker = Worker {
        store: shared.store.clone(),
        executor,
        clock: shared.clock.clone(),
        concurrency: engine.concurrency,
        worker_id: engine.worker_id.clone(),
        lease: chrono::TimeDelta::seconds(engine.lease_seconds as i64),
        licence_check: (engine.licence_check_seconds > 0)
            .then(|| chrono::TimeDelta::seconds(engine.licence_check_seconds as i64)),
        batching: Batching::from_config(&engine.batch),
    };
    let roll_call = RollCall {
        store: shared.store.clone(),
        client: connection.client().clone(),
        worker_id: engine.worker_id.clone(),
        cap: org.api().max_concurrent_calls,
        metrics: shared.metrics.clone(),
    };
    let cancel = &shared.cancel;
    vec![
        tokio::spawn(intake.run(shared.intake_wake.clone(), cancel.clone())),
        tokio::spawn(worker.run(shared.worker_wake.clone(), cancel.clone(), shared.grace)),
        tokio::spawn(roll_call.run(cancel.clone())),
        tokio::spawn(crate::engine::erasures::run(
            shared.store.clone(),
            cancel.clone(),
        )),
    ]
}

/// Starts what sends outcomes out: the Kafka and webhook relays, and outbox pruning; and
/// retention's pass.
fn spawn_publishing(settings: &Settings, shared: &Shared) -> anyhow::Result<Vec<JoinHandle<()>>> {
    let (store, clock, metrics, cancel) = (
        &shared.store,
        &shared.clock,
        &shared.metrics,
        &shared.cancel,
    );
    let relay = crate::publish::kafka::spawn(settings, store, metrics, cancel, shared.grace)?;
    let pruner = crate::publish::Pruner::spawn(settings, store, clock, cancel);
    let hooks = crate::publish::webhook::spawn(settings, store, clock, metrics, cancel)?;
    let retention = crate::publish::Retention::spawn(settings, store, metrics, cancel);
    Ok(relay
        .into_iter()
        .chain(pruner)
        .chain(hooks)
        .chain(retention)
        .collect())
}

/// The state of every surface the HTTP server mounts: webhooks, admin, metrics, readiness.
fn surfaces(
    settings: &Settings,
    connection: &Connection,
    lifecycle: &Arc<Lifecycle>,
    shared: &Shared,
) -> anyhow::Result<Surfaces> {
    let admin = Admin::new(
        &settings.admin,
        shared.store.clone(),
        shared.clock.clone(),
        shared.intake_wake.clone(),
        shared.worker_wake.clone(),
    )?
    .with_licences(LicenceDesk {
        client: connection.client().clone(),
        store: shared.store.clone(),
        clock: shared.clock.clone(),
        config: settings.licences.clone(),
    })
    .with_reconciler(Arc::new(crate::reconcile::org::Reconciler {
        store: shared.store.clone(),
        client: connection.client().clone(),
        clock: shared.clock.clone(),
        config: settings.reconcile.clone(),
        contact_key_field: settings
            .salesforce
            .as_ref()
            .map_or(crate::config::salesforce::DEFAULT_KEY_FIELD, |s| {
                s.contact_key_field()
            })
            .to_owned(),
    }))
    .with_webhooks(&settings.outcomes)
    .with_retention(&settings.retention, shared.metrics.clone());
    let scrape = Scrape::new(
        shared.metrics.clone(),
        shared.store.clone(),
        connection.client().clone(),
        shared.clock.clone(),
        Duration::from_secs(settings.telemetry.licence_poll_seconds),
        &settings.engine.worker_id,
    )
    .with_licence_counts(shared.licences.clone());
    let readiness = Readiness::new(
        shared.store.clone(),
        lifecycle.clone(),
        Duration::from_millis(settings.service.readiness_timeout_ms),
    );
    let ingress = Ingress::new(
        settings,
        shared.store.clone(),
        shared.clock.clone(),
        shared.intake_wake.clone(),
    )?;
    Ok(Surfaces {
        ingress,
        admin,
        metrics: shared.metrics.clone(),
        scrape,
        readiness,
    })
}
