//! The operators' side of Gatehouse over HTTP (`/v1/subjects`, `/v1/commands`,
//! `/v1/dead-letters`, `/v1/parked`, `/v1/held`, `/v1/guard`, `/v1/inbox`,
//! `/v1/sources/{source}/roster`, `/v1/licences`, `/v1/retention`): look at lifecycle records,
//! commands and events, replay what was refused, resume what waits for a licence, approve or
//! reject what the mass-deprovision guard holds, provision or show someone out by hand, erase
//! someone on their request, take rosters, read the licence report or reclaim idle licences, and
//! run retention now; `/v1/audit` lists
//! what operators did and read ([`audit`]: every allowed request is kept before it is served).
//!
//! Every route takes an [`Operator`], the extractor that checks the bearer token and the role
//! the route needs ([`ROUTE_ROLES`]), so no route can forget the check. With no operator
//! configured every route answers 404 saying how to turn them on: an unconfigured deployment
//! exposes nothing. Manual commands go through
//! `store.enqueue` like mapped ones, so the same executor, queue order and records apply.
//! Answers carry personal data (they are the operators' view); log lines never do.

mod audit;
mod auth;
mod commands;
mod erase;
mod failure;
mod held;
mod inbox;
mod licences;
mod manual;
mod manual_body;
mod page;
mod parked;
mod query;
mod reconcile;
mod retention;
mod roles;
mod roster;
mod subjects;
mod webhooks;

use std::sync::Arc;

use actix_web::web;
use anyhow::Context;
use tokio::sync::Notify;

pub use auth::{authenticate, authorize, require};
pub use roles::{ROUTE_ROLES, RouteRole, role_for};

pub use crate::admin::identity::Operator;

use crate::admin::identity::Identities;
use crate::clock::Clock;
use crate::config::{AdminConfig, OutcomeWebhooksConfig, RetentionConfig};
use crate::reconcile::licences::LicenceDesk;
use crate::reconcile::roster::Rosters;
use crate::store::Store;
use crate::telemetry::Metrics;

/// What the admin routes share (`web::Data<Admin>`).
pub struct Admin {
    pub store: Store,
    pub clock: Arc<dyn Clock>,
    /// Who may sign in; `None` turns every admin route off.
    identities: Option<Arc<Identities>>,
    /// Wakes the intake after an inbox event was put back for mapping.
    pub intake: Arc<Notify>,
    /// Wakes the worker after a command was enqueued or resumed, so it runs now rather than at
    /// the worker's next idle look.
    pub worker: Arc<Notify>,
    /// The licence report and reclaim (`/v1/licences`); `None` until an org is wired in.
    pub licences: Option<LicenceDesk>,
    /// Runs reconciliations with the org (`/v1/reconcile`); `None` without an org.
    pub reconciler: Option<Arc<crate::reconcile::org::Reconciler>>,
    /// The sources' rosters; `None` answers every roster route with how to turn them on.
    pub rosters: Option<Arc<Rosters>>,
    /// The outcome webhook subscribers, as configured.
    pub webhooks: OutcomeWebhooksConfig,
    /// How long personal data is kept (`/v1/retention/run`).
    pub retention: RetentionConfig,
    /// Where a retention pass run from here is counted.
    pub metrics: Metrics,
}

impl Admin {
    /// Reads the operators' tokens (from the config, an environment variable or a file) and a
    /// JWKS file once, at start-up.
    pub fn new(
        config: &AdminConfig,
        store: Store,
        clock: Arc<dyn Clock>,
        intake: Arc<Notify>,
        worker: Arc<Notify>,
    ) -> anyhow::Result<Admin> {
        let identities = Identities::from_config(config, clock.clone())
            .context("setting up the operators' identities")?;
        if identities.is_none() {
            tracing::info!(
                "admin endpoints are off: no [admin] token, operators or oidc configured"
            );
        }
        Ok(Admin {
            store,
            clock,
            identities: identities.map(Arc::new),
            intake,
            worker,
            licences: None,
            reconciler: None,
            rosters: None,
            webhooks: OutcomeWebhooksConfig::default(),
            retention: RetentionConfig::default(),
            metrics: Metrics::new(),
        })
    }

    /// Wires the org in, for the licence report and reclaim.
    pub fn with_licences(mut self, desk: LicenceDesk) -> Admin {
        self.licences = Some(desk);
        self
    }

    /// Lets `/v1/reconcile` run reconciliations with this reconciler.
    #[must_use]
    pub fn with_reconciler(mut self, reconciler: Arc<crate::reconcile::org::Reconciler>) -> Admin {
        self.reconciler = Some(reconciler);
        self
    }

    /// Takes roster uploads for the sources that have `[sources.NAME.roster]`.
    pub fn with_rosters(mut self, rosters: Arc<Rosters>) -> Admin {
        self.rosters = Some(rosters);
        self
    }

    /// Runs retention passes as `config` says, counted in `metrics`.
    pub fn with_retention(mut self, config: &RetentionConfig, metrics: Metrics) -> Admin {
        self.retention = config.clone();
        self.metrics = metrics;
        self
    }

    /// Lists and replays the deliveries of these `[[outcomes.webhooks]]` subscribers.
    pub fn with_webhooks(mut self, webhooks: &OutcomeWebhooksConfig) -> Admin {
        self.webhooks = webhooks.clone();
        self
    }
}

/// Mounts the admin routes.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(audit::list)
        .service(subjects::list)
        .service(subjects::show)
        .service(manual::provision)
        .service(manual::deprovision)
        .service(erase::erase)
        .service(commands::list)
        .service(commands::show)
        .service(commands::dead_letters)
        .service(commands::replay)
        .service(parked::resume)
        .service(held::list)
        .service(held::approve)
        .service(held::reject)
        .service(held::status)
        .service(inbox::list)
        .service(inbox::show)
        .service(inbox::replay)
        .service(licences::report)
        .service(licences::reclaim)
        .service(reconcile::adopt)
        .service(reconcile::run)
        .service(reconcile::last)
        .service(retention::run)
        .service(roster::upload)
        .service(roster::latest)
        .service(roster::show_run)
        .service(webhooks::list)
        .service(webhooks::deliveries)
        .service(webhooks::replay)
        .service(webhooks::enable);
}
