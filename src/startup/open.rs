//! Opening what the service stands on: the store and the org, and the org's shape read once.

use std::sync::Arc;

use anyhow::Context;
use tracing::Instrument;

use crate::clock::Clock;
use crate::config::{SalesforceConfig, Settings, StoreConfig};
use crate::salesforce::{Connection, OrgFactsCache, connect};
use crate::store::{PostgresOptions, SqliteOptions, Store};

/// Opens the configured store.
pub(super) async fn open_store(
    config: &StoreConfig,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<Store> {
    let store = match config {
        StoreConfig::Sqlite { path, max_batch } => Store::open_sqlite_with_clock(
            path,
            SqliteOptions {
                max_batch: *max_batch,
                ..SqliteOptions::default()
            },
            clock,
        )
        .await
        .with_context(|| format!("opening the SQLite store at {}", path.display()))?,
        StoreConfig::Postgres(postgres) => {
            Store::open_postgres_with_clock(PostgresOptions::from_config(postgres)?, clock)
                .await
                .context("opening the PostgreSQL store")?
        }
    };
    Ok(store)
}

/// Connects to the configured org (starting the simulated one in-process when chosen).
pub(super) async fn connect_org(
    settings: &Settings,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<(&SalesforceConfig, Connection)> {
    let org = settings
        .salesforce
        .as_ref()
        .context("no [salesforce] org is configured")?;
    let connection = connect(org, clock)
        .await
        .context("connecting to the Salesforce org")?;
    if let Some(sim) = connection.simulated() {
        tracing::info!(
            instance_url = sim.base_url,
            "simulated Salesforce org started in-process"
        );
    }
    Ok((org, connection))
}

/// Reads the org's shape once (does `Account.IsPartner` exist, the configured site's `Network`
/// record), before any command needs it. A failure is logged, not fatal: the first provision
/// reads it again, and a configured site the org lacks refuses provisions with the reason.
pub(super) async fn read_org_shape(
    org: &SalesforceConfig,
    connection: &Connection,
) -> Arc<OrgFactsCache> {
    let facts = Arc::new(OrgFactsCache::new(org.site()));
    // Its own span: the one Salesforce call made outside any command.
    let span = tracing::info_span!("org shape", org_shape = true);
    match facts.get(connection.client()).instrument(span).await {
        Ok(read) => tracing::info!(
            partner_accounts = read.partner_accounts,
            site = read.site.as_ref().map(|s| s.name.as_str()),
            site_status = read.site.as_ref().map(|s| s.status.as_str()),
            site_sends_welcome_email = read.site.as_ref().map(|s| s.sends_welcome_email),
            "read the org's shape"
        ),
        Err(e) => tracing::warn!(
            error = %crate::report::chain(&e),
            "the org's shape could not be read at start-up; the first provision tries again"
        ),
    }
    facts
}
