//! The naive peer: `naive_peer.sh` (simple-salesforce, six calls per person, serially) against
//! a fresh org with the same latency, its figures read from the JSON it prints.

use std::process::Command;
use std::time::Duration;

use anyhow::{Context, bail};
use serde::Deserialize;
use sfsim::{SimConfig, SimServer};

use crate::org::roomy_fixture;

#[derive(Debug, Deserialize)]
pub struct PeerFigures {
    pub people: usize,
    pub seconds: f64,
    pub people_per_second: f64,
    pub calls_per_person: f64,
}

pub async fn run(people: usize, latency_ms: u64) -> anyhow::Result<PeerFigures> {
    // simple-salesforce speaks HTTPS only: the org serves a fresh test certificate, and the
    // script trusts its CA.
    let dir = tempfile::tempdir()?;
    let certificate = sfsim::tls::dev_certificate(dir.path())?;
    let org = SimServer::start(SimConfig {
        fixture: Some(roomy_fixture()?),
        daily_limit: Some(u64::MAX / 2),
        latency: Duration::from_millis(latency_ms),
        tls: Some(certificate.files.clone()),
        ..SimConfig::default()
    })
    .await?;
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/benches/engine_burst/naive_peer.sh"
    );
    let base = org.base_url.clone();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("bash")
            .arg(script)
            .env("REQUESTS_CA_BUNDLE", &certificate.ca)
            .env("NO_PROXY", "127.0.0.1,localhost")
            .args(["--base", &base, "--people", &people.to_string()])
            .output()
    })
    .await?
    .context("running the naive peer")?;
    org.stop().await;
    drop(dir);
    if !output.status.success() {
        bail!(
            "naive peer failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().last().unwrap_or_default();
    serde_json::from_str(line).with_context(|| format!("naive peer printed {stdout:?}"))
}
