//! The org's preflight: read-only checks of a configured org before the first event, each with
//! the fix for what it finds. `gatehouse doctor` prints them; `serve` runs them at start-up
//! (`[salesforce.preflight] at_start`).
//!
//! A handful of API calls: `GET /services/data/` (the versions served), one composite with the
//! describes of Contact and Account and the queries of the rules' profiles (with their
//! licences), permission sets, the sites and their members, and one composite about the owners
//! of keyed Accounts. The token comes first and costs no API call.
//!
//! - `checklist`: the checks and how they print and log; `needs`: what the rules rely on;
//!   `org_view`: the reads.
//! - One file per group of checks: `connection` (token, version, permissions), `fields`,
//!   `named` (profiles, permission sets, site membership), `site`, `licences`, `owners`.
//! - `at_start`: what `serve` does with the checklist.

mod at_start;
mod checklist;
mod connection;
mod fields;
mod licences;
mod named;
mod needs;
mod org_view;
mod owners;
mod site;

use std::sync::Arc;

pub use at_start::{PreflightRefused, at_start};
pub use checklist::{Check, Checklist, Status};

use crate::clock::Clock;
use crate::config::{SalesforceAuth, SalesforceConfig, Settings};
use crate::salesforce::access::{KeyFieldNames, Uses};
use crate::salesforce::{Connection, SalesforceClient, connect};
use named::SiteChoice;
use needs::Needs;

/// Connects to the org `settings` names and runs every check; a connection that fails is the
/// checklist's one failure.
pub async fn run(settings: &Settings, clock: Arc<dyn Clock>) -> Checklist {
    let Some(org) = &settings.salesforce else {
        return Checklist {
            org: "no org".to_owned(),
            checks: vec![Check::fail(
                "configuration",
                "no [salesforce] org is configured",
                "add a [salesforce] table (docs/configuration.md)",
            )],
        };
    };
    match connect(org, clock).await {
        Ok(connection) => {
            let list = examine(settings, org, &connection).await;
            connection.close().await;
            list
        }
        Err(e) => {
            let login_url = configured_login_url(org).unwrap_or("the simulated org");
            Checklist {
                org: heading(org, login_url),
                checks: vec![connection::not_authenticated(flow(org), login_url, &e)],
            }
        }
    }
}

/// Runs every check against an org already connected: the token, the version, then (when the
/// version is served) the org's setup.
pub async fn examine(
    settings: &Settings,
    org: &SalesforceConfig,
    connection: &Connection,
) -> Checklist {
    let login_url = match connection.simulated() {
        Some(sim) => sim.login_url.clone(),
        None => configured_login_url(org).unwrap_or_default().to_owned(),
    };
    let client = connection.client();
    let mut list = Checklist {
        org: heading(org, &login_url),
        checks: Vec::new(),
    };
    let identity = match client.identity().await {
        Ok(identity) => {
            list.checks
                .push(connection::authenticated(flow(org), &login_url, &identity));
            identity
        }
        Err(e) => {
            list.checks
                .push(connection::not_authenticated(flow(org), &login_url, &e));
            return list;
        }
    };
    let version = connection::api_version(org.api_version(), &client.api_versions().await);
    let served = version.status == Status::Pass;
    list.checks.push(version);
    if served {
        let keys = KeyFieldNames {
            contact: org.contact_key_field().to_owned(),
            account: org.account_key_field().to_owned(),
        };
        list.checks.push(
            connection::run_as_user_permissions(client, &identity, Uses::of(settings), &keys).await,
        );
        list.checks.extend(setup(settings, org, client).await);
    }
    list
}

/// The checks of the org's setup, in the order an admin fixes them.
async fn setup(
    settings: &Settings,
    org: &SalesforceConfig,
    client: &SalesforceClient,
) -> Vec<Check> {
    let needs = Needs::of(settings);
    let view = match org_view::read_setup(client, &needs).await {
        Ok(view) => view,
        Err(e) => {
            return vec![Check::fail(
                "reading the org's setup",
                format!("the composite read failed: {}", crate::report::chain(&e)),
                "check the run-as user's access to the REST API (API Enabled) and the org's API limits",
            )];
        }
    };
    let account_key = org.account_key_field();
    let account_key_seen = fields::key_field("Account", account_key, &view.account_fields);
    let account_key_found = account_key_seen.status == Status::Pass;
    let mut checks = vec![
        fields::key_field("Contact", org.contact_key_field(), &view.contact_fields),
        account_key_seen,
    ];
    checks.extend(named::existence(&needs, &view));
    checks.extend(site::site(&needs, &view, org.site()));
    let choice = org.site().map_or(SiteChoice::Any, SiteChoice::Named);
    checks.extend(named::membership(&needs, &view, &choice));
    checks.extend(licences::licences(&needs, &view));
    if account_key_found {
        match org_view::unroled_owners(client, account_key).await {
            Ok(seen) => checks.push(owners::owners(account_key, &seen)),
            Err(e) => checks.push(Check::warn(
                "Account owners hold roles",
                format!(
                    "the keyed Accounts could not be read: {}",
                    crate::report::chain(&e)
                ),
                "run gatehouse doctor again; check the org's API limits",
            )),
        }
    }
    checks.extend(site::manual());
    checks
}

/// The flow the config authenticates with.
fn flow(org: &SalesforceConfig) -> &'static str {
    match org {
        SalesforceConfig::Simulated { .. } => "client credentials (simulated org)",
        SalesforceConfig::Remote { auth, .. } => match auth {
            SalesforceAuth::JwtBearer { .. } => "JWT bearer",
            SalesforceAuth::ClientCredentials { .. } => "client credentials",
        },
    }
}

fn configured_login_url(org: &SalesforceConfig) -> Option<&str> {
    match org {
        SalesforceConfig::Remote { login_url, .. } => Some(login_url),
        SalesforceConfig::Simulated { .. } => None,
    }
}

fn heading(org: &SalesforceConfig, login_url: &str) -> String {
    format!("{login_url}, {}, API {}", flow(org), org.api_version())
}
