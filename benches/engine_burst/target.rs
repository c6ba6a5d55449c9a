//! One measured target: a fresh simulated org in this process and `gatehouse serve` as a
//! process of its own (so its resident set is its own), on a fresh SQLite store.

use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use sfsim::traffic::FaultUpdate;
use sfsim::{SimConfig, SimHandle, SimServer};

use crate::config::{USERNAME_SUFFIX, gatehouse_config};
use crate::org::roomy_fixture;

/// How long Gatehouse may take to answer `/readyz`.
const START_PATIENCE: Duration = Duration::from_secs(60);

pub struct Target {
    pub org: SimHandle,
    process: Child,
    pub webhook_url: String,
    _dir: tempfile::TempDir,
}

impl Target {
    /// Starts the org with `latency_ms` per call and Gatehouse with `overlay` appended to its
    /// config; returns once Gatehouse is ready.
    pub async fn start(latency_ms: u64, overlay: &str) -> anyhow::Result<Target> {
        let org = SimServer::start(SimConfig {
            fixture: Some(roomy_fixture()?),
            daily_limit: Some(u64::MAX / 2),
            latency: Duration::from_millis(latency_ms),
            ..SimConfig::default()
        })
        .await?;
        let dir = tempfile::tempdir()?;
        let port = free_port()?;
        let db = dir.path().join("gatehouse.db");
        let config = gatehouse_config(&db.display().to_string(), port, &org.login_url, overlay);
        let config_path = dir.path().join("gatehouse.toml");
        std::fs::write(&config_path, config)?;
        let process = Command::new(env!("CARGO_BIN_EXE_gatehouse"))
            .arg("serve")
            .arg("--config")
            .arg(&config_path)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting gatehouse serve")?;
        let target = Target {
            org,
            process,
            webhook_url: format!("http://127.0.0.1:{port}/v1/webhooks/partner-portal"),
            _dir: dir,
        };
        target.wait_ready(port).await?;
        Ok(target)
    }

    async fn wait_ready(&self, port: u16) -> anyhow::Result<()> {
        let http = reqwest::Client::new();
        let started = Instant::now();
        while started.elapsed() < START_PATIENCE {
            let ready = http
                .get(format!("http://127.0.0.1:{port}/readyz"))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            if ready {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        bail!("gatehouse was not ready within {START_PATIENCE:?}")
    }

    /// Changes the org's latency (set-up phases run without it).
    pub fn set_latency(&self, latency_ms: u64) -> anyhow::Result<()> {
        self.org
            .sim
            .traffic
            .faults
            .update(FaultUpdate {
                latency_ms: Some(latency_ms),
                ..FaultUpdate::default()
            })
            .map_err(|e| anyhow::anyhow!(e))?;
        Ok(())
    }

    /// Data API calls the org has answered (tokens are not API calls).
    pub fn api_calls(&self) -> u64 {
        self.org
            .sim
            .traffic
            .log
            .calls()
            .by_endpoint
            .iter()
            .filter(|(endpoint, _)| !endpoint.contains("/services/oauth2/"))
            .map(|(_, n)| n)
            .sum()
    }

    /// The run's users in the org: (active, inactive).
    pub fn users(&self) -> (usize, usize) {
        let org = self.org.sim.org.lock();
        org.records_of("User")
            .filter(|u| {
                u.text("Username")
                    .is_some_and(|n| n.ends_with(USERNAME_SUFFIX))
            })
            .fold((0, 0), |(on, off), u| {
                if u.flag("IsActive") {
                    (on + 1, off)
                } else {
                    (on, off + 1)
                }
            })
    }

    /// Whether the user with this username exists, is active and may log in.
    pub fn has_access(&self, username: &str) -> bool {
        let org = self.org.sim.org.lock();
        org.user_by_username(username)
            .is_some_and(|u| org.can_log_in(&u.id))
    }

    /// The Gatehouse process's peak resident set so far, in MiB (`VmHWM`).
    pub fn peak_rss_mib(&self) -> Option<f64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.process.id())).ok()?;
        let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
        let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib / 1024.0)
    }

    /// Stops Gatehouse (SIGTERM, then kill) and the org.
    pub async fn stop(mut self) {
        let pid = self.process.id().to_string();
        let _ = Command::new("kill").arg("-TERM").arg(&pid).status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if matches!(self.process.try_wait(), Ok(Some(_))) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let _ = self.process.kill();
        let _ = self.process.wait();
        self.org.stop().await;
    }
}

fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(listener.local_addr()?.port())
}
