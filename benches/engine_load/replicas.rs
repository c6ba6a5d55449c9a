//! The replicas under load: the real service, once or several times on one store, all reaching
//! one simulated org; and one phase of people sent to them and waited for.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::cpu::process_cpu_seconds;
use anyhow::Context;
use gatehouse::clock::SystemClock;
use gatehouse::startup::{Application, Shutdown};
use gatehouse::store::{CommandState, Store};
use sfsim::{SimConfig, SimHandle, SimServer};

use crate::config::{settings, sign};
use crate::load::{self, Method, Prepared};
use crate::org::roomy_fixture;
use crate::scratch::Scratch;

/// The longest a phase may take before the run gives up on it.
const PATIENCE: Duration = Duration::from_secs(900);

/// Which store the replicas share.
pub enum Kind {
    Sqlite,
    /// A fresh database on the server this URL names.
    Postgres(String),
}

/// What is sent in a phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Provision,
    Deprovision,
}

impl Phase {
    pub fn name(self) -> &'static str {
        match self {
            Phase::Provision => "provision",
            Phase::Deprovision => "deprovision",
        }
    }
}

/// What one phase measured.
pub struct Measured {
    pub commands: usize,
    /// From the first webhook sent to the last one answered.
    pub sent: Duration,
    /// From the first webhook sent to the last command finished.
    pub converged: Duration,
    /// Data API calls the org answered during the phase.
    pub org_calls: u64,
    /// This process's CPU time during the phase (the org and the sender included).
    pub cpu_seconds: f64,
    /// How the phase's commands ended, as `kind=count` pairs.
    pub outcomes: String,
}

impl Measured {
    pub fn per_second(&self) -> f64 {
        self.commands as f64 / self.converged.as_secs_f64().max(1e-9)
    }
}

struct Replica {
    port: u16,
    store: Store,
    shutdown: Shutdown,
    task: tokio::task::JoinHandle<anyhow::Result<()>>,
}

/// One target: its org, its replicas and their store.
pub struct Replicas {
    name: String,
    org: SimHandle,
    replicas: Vec<Replica>,
    database: Option<Scratch>,
    http: reqwest::Client,
}

impl Replicas {
    /// Starts a fresh org and `count` replicas on a fresh store of `kind`.
    pub async fn start(
        kind: Kind,
        count: usize,
        concurrency: u32,
        dir: &std::path::Path,
    ) -> anyhow::Result<Replicas> {
        let org = SimServer::start(SimConfig {
            fixture: Some(roomy_fixture()?),
            daily_limit: Some(u64::MAX / 2),
            ..SimConfig::default()
        })
        .await?;
        let (store, database, name) = match kind {
            Kind::Sqlite => (
                format!(
                    "kind = \"sqlite\"\npath = \"{}\"",
                    dir.join("gatehouse.db").display()
                ),
                None,
                "SQLite, 1 replica".to_owned(),
            ),
            Kind::Postgres(server) => {
                let database = Scratch::create(&server).await?;
                let store = format!(
                    "kind = \"postgres\"\nurl = \"{}\"\nsslmode = \"disable\"",
                    database.url
                );
                let name = format!(
                    "PostgreSQL, {count} replica{}",
                    if count == 1 { "" } else { "s" }
                );
                (store, Some(database), name)
            }
        };
        let mut replicas = Vec::with_capacity(count);
        for n in 0..count {
            let settings = settings(&store, &org.login_url, n, concurrency)?;
            let app = Application::build(&settings, Arc::new(SystemClock))
                .await
                .with_context(|| format!("starting replica {n}"))?;
            replicas.push(Replica {
                port: app.port(),
                store: app.store(),
                shutdown: app.shutdown(),
                task: tokio::spawn(app.run_until_stopped()),
            });
        }
        Ok(Replicas {
            name,
            org,
            replicas,
            database,
            http: reqwest::Client::new(),
        })
    }

    pub fn name(&self) -> String {
        self.name.clone()
    }

    /// Sends one webhook per person, to the replicas in turn, and waits until the store shows
    /// a finished command for each.
    pub async fn run_phase(
        &self,
        phase: Phase,
        people: usize,
        connections: usize,
    ) -> anyhow::Result<Measured> {
        let store = &self.replicas[0].store;
        let done_before = done(store).await?;
        let outcomes_before = outcomes(store).await?;
        let calls_before = self.org_calls().await?;
        let requests = self.prepare(phase, people);
        let cpu_before = process_cpu_seconds();
        let start = Instant::now();
        let sent = load::closed_loop(requests, connections).await?;
        let sent_in = start.elapsed();
        if sent.errors > 0 {
            anyhow::bail!("{}: {} webhooks were refused", self.name, sent.errors);
        }
        let target = done_before + people as u64;
        loop {
            let finished = done(store).await?;
            if finished >= target {
                break;
            }
            if start.elapsed() > PATIENCE {
                anyhow::bail!(
                    "{}: {} of {people} commands finished after {} s; counts: {:?}",
                    self.name,
                    finished - done_before,
                    PATIENCE.as_secs(),
                    store.count_commands_by_state().await?
                );
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let converged = start.elapsed();
        let cpu_seconds = process_cpu_seconds() - cpu_before;
        let org_calls = self.org_calls().await? - calls_before;
        let mut ended = outcomes(store).await?;
        for (kind, before) in outcomes_before {
            *ended.entry(kind).or_default() -= before;
        }
        ended.retain(|_, n| *n > 0);
        let outcomes = ended
            .iter()
            .map(|(kind, n)| format!("{kind}={n}"))
            .collect::<Vec<_>>()
            .join(" ");
        Ok(Measured {
            commands: people,
            sent: sent_in,
            converged,
            org_calls,
            cpu_seconds,
            outcomes,
        })
    }

    /// One signed webhook per person, to the replicas in turn.
    fn prepare(&self, phase: Phase, people: usize) -> Vec<Prepared> {
        let now = chrono::Utc::now();
        let occurred = now.to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        (0..people)
            .map(|n| {
                let port = self.replicas[n % self.replicas.len()].port;
                let id = format!("msg_{}_{n}", phase.name());
                let body = match phase {
                    Phase::Provision => format!(
                        r#"{{"type":"partner.user.signed_up","occurred_at":"{occurred}","data":{{"partner_id":"P-100","user":{{"id":"u-{n}","email":"person{n}@partner.example","first_name":"Load","last_name":"Test {n}"}}}}}}"#
                    ),
                    Phase::Deprovision => format!(
                        r#"{{"type":"partner.user.removed","occurred_at":"{occurred}","data":{{"partner_id":"P-100","user":{{"id":"u-{n}"}}}}}}"#
                    ),
                };
                let ts = now.timestamp();
                Prepared {
                    method: Method::Post,
                    url: format!("http://127.0.0.1:{port}/v1/webhooks/partner-portal"),
                    headers: vec![
                        ("content-type".to_owned(), "application/json".to_owned()),
                        ("webhook-id".to_owned(), id.clone()),
                        ("webhook-timestamp".to_owned(), ts.to_string()),
                        ("webhook-signature".to_owned(), sign(&id, ts, body.as_bytes())),
                    ],
                    body: body.into(),
                }
            })
            .collect()
    }

    /// Data API calls the org has answered so far (token requests left out).
    async fn org_calls(&self) -> anyhow::Result<u64> {
        let calls: serde_json::Value = self
            .http
            .get(format!("{}/__sim/calls", self.org.base_url))
            .send()
            .await?
            .json()
            .await?;
        let total = calls["total"].as_u64().unwrap_or(0);
        let tokens = calls["by_endpoint"]["POST /services/oauth2/token"]
            .as_u64()
            .unwrap_or(0);
        Ok(total - tokens)
    }

    /// Stops every replica, then the org, then drops the database.
    pub async fn stop(self) {
        for replica in self.replicas {
            replica.shutdown.stop().await;
            if let Ok(Err(e)) = replica.task.await {
                eprintln!("a replica stopped with an error: {e:#}");
            }
        }
        self.org.stop().await;
        if let Some(database) = self.database {
            database.drop_database().await;
        }
    }
}

/// Commands finished so far.
async fn done(store: &Store) -> anyhow::Result<u64> {
    let counts = store.count_commands_by_state().await?;
    Ok(counts.get(&CommandState::Done).copied().unwrap_or(0))
}

/// Finished commands by how they ended.
async fn outcomes(store: &Store) -> anyhow::Result<BTreeMap<&'static str, u64>> {
    Ok(store
        .count_outcomes()
        .await?
        .into_iter()
        .map(|(kind, n)| (kind.as_str(), n))
        .collect())
}
