//! From `[salesforce]` to a working client: a real org over HTTPS, or the simulated org
//! started in this process.
//!
//! There is no fallback: a remote org that cannot be reached is an error, never a reason to
//! start the simulated one.

use std::sync::Arc;

use sfsim::server::FixtureSource;
use sfsim::{SimConfig, SimHandle, SimServer};

use super::auth::{AuthError, Credentials, KeyError};
use super::transport::{ClientOptions, SalesforceClient};
use crate::clock::Clock;
use crate::config::salesforce::DEFAULT_API_VERSION;
use crate::config::{SalesforceAuth, SalesforceConfig, SecretError};

/// The default org's connected app, preferred when the simulated org has it.
const SIMULATED_APP: &str = "gatehouse-dev";

/// A client, and the simulated org behind it when there is one.
pub struct Connection {
    client: SalesforceClient,
    simulated: Option<SimHandle>,
}

impl Connection {
    /// The client; clone it freely.
    pub fn client(&self) -> &SalesforceClient {
        &self.client
    }

    /// The simulated org this connection started, for `org = "simulated"`.
    pub fn simulated(&self) -> Option<&SimHandle> {
        self.simulated.as_ref()
    }

    /// Stops the simulated org, if any, letting calls in flight finish.
    pub async fn close(self) {
        if let Some(org) = self.simulated {
            org.stop().await;
        }
    }
}

/// Why there is no connection. Each message names what to fix.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// A secret named in the settings (a key file, an environment variable) cannot be read.
    #[error(transparent)]
    Secret(#[from] SecretError),
    /// The private key is not one the JWT bearer flow can sign with.
    #[error("salesforce.auth.private_key cannot be used")]
    PrivateKey(#[source] KeyError),
    /// The HTTP client (TLS, timeouts) cannot be built on this machine.
    #[error("the HTTP client cannot be built")]
    Http(#[source] reqwest::Error),
    /// The simulated org did not start; the cause is the simulator's own error.
    #[error("the simulated org cannot start")]
    Simulated(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// The simulated org's fixture gives Gatehouse no connected app to authenticate with.
    #[error(
        "the simulated org cannot start: the fixture has no connected app with a client_secret; add one (see sfsim/fixtures/default.toml)"
    )]
    NoSimulatedApp,
    /// The first token was refused or not answered. The message repeats the cause, so the
    /// error's own text names what failed; `report::chain` prints it once.
    #[error("cannot authenticate with the org: {0}")]
    Auth(#[from] AuthError),
}

/// Connects to the configured org and gets a first token, so a wrong login URL or credential
/// stops start-up with a clear message. For `org = "simulated"`, starts the simulated org on
/// a free loopback port (with the configured fixture) and authenticates with its connected
/// app's client credentials.
pub async fn connect(
    config: &SalesforceConfig,
    clock: Arc<dyn Clock>,
) -> Result<Connection, ConnectError> {
    let (login_url, credentials, options, simulated) = match config {
        SalesforceConfig::Remote {
            login_url,
            api_version,
            auth,
            api,
            ..
        } => (
            login_url.clone(),
            remote_credentials(auth)?,
            ClientOptions::from_settings(api_version, api),
            None,
        ),
        SalesforceConfig::Simulated { fixture, api, .. } => {
            let org = SimServer::start(SimConfig {
                fixture: fixture.clone().map(FixtureSource::File),
                ..SimConfig::default()
            })
            .await
            .map_err(|e| ConnectError::Simulated(e.into()))?;
            let credentials = simulated_credentials(&org)?;
            (
                org.login_url.clone(),
                credentials,
                ClientOptions::from_settings(DEFAULT_API_VERSION, api),
                Some(org),
            )
        }
    };
    let client = SalesforceClient::new(&login_url, credentials, options, clock)
        .map_err(ConnectError::Http)?;
    client.authenticate().await?;
    Ok(Connection { client, simulated })
}

fn remote_credentials(auth: &SalesforceAuth) -> Result<Credentials, ConnectError> {
    Ok(match auth {
        SalesforceAuth::JwtBearer {
            client_id,
            username,
            private_key,
            audience,
        } => {
            let pem = private_key.resolve("salesforce.auth.private_key")?;
            Credentials::jwt_bearer(client_id, username, &pem)
                .map_err(ConnectError::PrivateKey)?
                .with_audience(audience.clone())
        }
        SalesforceAuth::ClientCredentials {
            client_id,
            client_secret,
        } => Credentials::ClientCredentials {
            client_id: client_id.clone(),
            client_secret: client_secret.resolve("salesforce.auth.client_secret")?,
        },
    })
}

/// The simulated org's own connected app: `gatehouse-dev` when the fixture has it, else the
/// first app that allows client credentials.
fn simulated_credentials(org: &SimHandle) -> Result<Credentials, ConnectError> {
    let state = org.sim.org.lock();
    let apps = state.connected_apps();
    let app = apps
        .iter()
        .filter(|app| app.client_secret.is_some())
        .min_by_key(|app| app.client_id != SIMULATED_APP)
        .ok_or(ConnectError::NoSimulatedApp)?;
    Ok(Credentials::ClientCredentials {
        client_id: app.client_id.clone(),
        client_secret: secrecy::SecretString::from(app.client_secret.clone().unwrap_or_default()),
    })
}
