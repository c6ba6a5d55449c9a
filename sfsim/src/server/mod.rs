//! Wiring and start-up: binds the port, builds the shared state, mounts the routes.
//!
//! Layout of every running org:
//! - `/services/oauth2/token|revoke` — the token endpoint (scriptable faults only);
//! - `GET /services/data` — the version list, no session needed;
//! - `GET /id/{orgId}/{userId}` — the identity service, its own token check and plain-text
//!   refusals;
//! - `/services/data/v{version}/…` — version check, then session check, then traffic
//!   (allowance, latency, faults), then the data handlers;
//! - `/__sim/…` — control, no auth;
//! - anything else — Salesforce's `NOT_FOUND`.
//!
//! Around all of it: the request log, and the check that every error answer has the
//! shape its caller expects.

mod config;
mod shape;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, TcpListener};
use std::sync::Arc;

use actix_web::middleware::from_fn;
use actix_web::{App, HttpServer, web};
use parking_lot::Mutex;

use crate::auth::Tokens;
use crate::error::ApiError;
use crate::state::{FixtureText, Sim, Site, StartPoint};
use crate::traffic::{DEFAULT_DAILY_LIMIT, FaultSettings, SimClock, Traffic, TrafficConfig};

pub use crate::version::{CURRENT_VERSION, OLDEST_VERSION, api_version_guard, is_supported};
pub use config::{FaultRates, FixtureSource, SimConfig};
pub use shape::salesforce_shape;

/// A running simulated org.
pub struct SimHandle {
    /// `http(s)://127.0.0.1:PORT`: the instance URL.
    pub base_url: String,
    /// Where to ask for tokens (`{login_url}/services/oauth2/token`); the same server.
    pub login_url: String,
    pub port: u16,
    /// The org's state, for tests that look inside or change it directly.
    pub sim: web::Data<Sim>,
    server: actix_web::dev::ServerHandle,
}

impl SimHandle {
    /// The token endpoint.
    pub fn token_url(&self) -> String {
        format!("{}/services/oauth2/token", self.login_url)
    }

    /// The base of the current API version's data paths (`…/services/data/v68.0`).
    pub fn data_url(&self) -> String {
        format!("{}/services/data/v{CURRENT_VERSION}", self.base_url)
    }

    /// Stops the server, letting requests in flight finish.
    pub async fn stop(self) {
        self.server.stop(true).await;
    }
}

/// A handle dropped without `stop` still stops its server (without waiting), so a test that
/// fails half-way does not leave worker threads behind.
impl Drop for SimHandle {
    fn drop(&mut self) {
        // The stop command is sent when `stop` is called; the future only waits for it.
        drop(self.server.stop(false));
    }
}

/// Starts simulated orgs.
pub struct SimServer;

impl SimServer {
    /// Starts one on a tokio runtime that is already running, and returns once it listens.
    /// Fails when the fixture does not load, the port cannot be bound or the TLS files do not
    /// make a server certificate.
    pub async fn start(config: SimConfig) -> std::io::Result<SimHandle> {
        let fixture = config.fixture.as_ref().map(read_fixture).transpose()?;
        let start = StartPoint {
            fixture,
            traffic: traffic_config(&config),
            token_lifetime: chrono::Duration::from_std(config.token_lifetime)
                .map_err(std::io::Error::other)?,
        };
        let org = start.org().map_err(std::io::Error::other)?;
        let listener = TcpListener::bind((config.host, config.port))?;
        let port = listener.local_addr()?.port();
        let scheme = if config.tls.is_some() {
            "https"
        } else {
            "http"
        };
        let base_url = format!("{scheme}://{}:{port}", url_host(config.host));
        let sim = web::Data::from(Arc::new(Sim {
            org: Mutex::new(org),
            auth: Tokens::new(start.token_lifetime),
            traffic: Traffic::new(&start.traffic),
            clock: SimClock::default(),
            site: Site::new(base_url.clone(), start),
        }));
        let data = sim.clone();
        let server = HttpServer::new(move || {
            App::new()
                .app_data(data.clone())
                .wrap(from_fn(salesforce_shape))
                .wrap(from_fn(crate::traffic::observe))
                .configure(mount)
                .default_service(web::to(not_found))
        })
        .workers(config.workers.max(1))
        .disable_signals()
        .shutdown_timeout(5);
        let server = match &config.tls {
            Some(files) => {
                let tls = crate::tls::server_config(files).map_err(std::io::Error::other)?;
                server.listen_rustls_0_23(listener, tls)?
            }
            None => server.listen(listener)?,
        };
        let server = server.run();
        let handle = server.handle();
        tokio::spawn(server);
        Ok(SimHandle {
            login_url: sim.site.login_url.clone(),
            base_url,
            port,
            sim,
            server: handle,
        })
    }
}

/// Mounts every route; see the module documentation for the layout.
fn mount(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::scope("/__sim")
            .configure(crate::control::routes)
            .default_service(web::to(crate::control::unknown)),
    )
    .service(
        web::scope("/services/oauth2")
            .wrap(from_fn(crate::traffic::oauth_gate))
            .configure(crate::auth::routes),
    )
    // The data scope comes before the identity route: it takes nearly every request, and the
    // two cannot both match a path, so this spares data calls one pattern match.
    .service(
        web::scope("/services/data/v{version}")
            .wrap(from_fn(crate::traffic::gate))
            .wrap(from_fn(crate::auth::require_session))
            .wrap(from_fn(api_version_guard))
            .configure(crate::traffic::routes)
            .configure(crate::api::routes)
            .default_service(web::to(not_found)),
    )
    .service(web::resource("/id/{org_id}/{user_id}").route(web::get().to(crate::auth::identity)))
    .service(
        web::resource(["/services/data", "/services/data/"])
            .route(web::get().to(crate::api::versions)),
    );
}

/// Salesforce's answer for a path it has no resource for.
async fn not_found() -> Result<actix_web::HttpResponse, ApiError> {
    Err(ApiError::not_found("The requested resource does not exist"))
}

/// A fixture file that could not be read: the cause inside the `io::Error` start answers.
#[derive(Debug, thiserror::Error)]
#[error("fixture {}: {source}", path.display())]
struct UnreadableFixture {
    path: std::path::PathBuf,
    source: std::io::Error,
}

fn read_fixture(fixture: &FixtureSource) -> std::io::Result<FixtureText> {
    match fixture {
        FixtureSource::File(path) => Ok(FixtureText {
            text: std::fs::read_to_string(path).map_err(|source| {
                let kind = source.kind();
                let path = path.clone();
                std::io::Error::new(kind, UnreadableFixture { path, source })
            })?,
            base_dir: path.parent().map(|p| p.to_path_buf()).unwrap_or_default(),
        }),
        FixtureSource::Toml { text, base_dir } => Ok(FixtureText {
            text: text.clone(),
            base_dir: base_dir.clone(),
        }),
    }
}

fn traffic_config(config: &SimConfig) -> TrafficConfig {
    let millis = |d: std::time::Duration| u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
    TrafficConfig {
        daily_limit: config.daily_limit.unwrap_or(DEFAULT_DAILY_LIMIT),
        faults: FaultSettings {
            latency_ms: millis(config.latency),
            jitter_ms: millis(config.jitter),
            server_unavailable_rate: config.fault_rates.server_unavailable,
            unable_to_lock_row_rate: config.fault_rates.unable_to_lock_row,
            drop_rate: config.fault_rates.drop,
            seed: config.seed.unwrap_or_else(rand::random),
        },
        log_bodies: config.log_bodies,
        max_body_bytes: config.max_body_bytes,
    }
}

/// The host as it goes into the org's URLs: loopback when listening everywhere.
fn url_host(host: IpAddr) -> String {
    match host {
        IpAddr::V4(v4) if v4.is_unspecified() => Ipv4Addr::LOCALHOST.to_string(),
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) if v6.is_unspecified() => format!("[{}]", Ipv6Addr::LOCALHOST),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}
