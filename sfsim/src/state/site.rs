//! Where the org lives (its URLs) and what it goes back to on reset.

use std::path::{Path, PathBuf};

use chrono::Duration;

use super::Sim;
use crate::fixture::FixtureError;
use crate::org::Org;
use crate::traffic::TrafficConfig;

/// Fixture text as loaded at start, kept so a reset can rebuild the org from it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixtureText {
    pub text: String,
    /// Folder that relative paths in the fixture resolve against.
    pub base_dir: PathBuf,
}

impl FixtureText {
    /// Builds the org the fixture describes.
    pub fn org(&self) -> Result<Org, FixtureError> {
        Org::from_fixture_toml(&self.text, &self.base_dir)
    }
}

/// What `/__sim/reset` restores.
#[derive(Debug, Clone)]
pub struct StartPoint {
    /// `None`: the built-in default org.
    pub fixture: Option<FixtureText>,
    pub traffic: TrafficConfig,
    pub token_lifetime: Duration,
}

impl StartPoint {
    /// A fresh org as it was at start, its collation order drawn from the start seed.
    pub fn org(&self) -> Result<Org, FixtureError> {
        let mut org = match &self.fixture {
            Some(fixture) => fixture.org()?,
            None => Org::default_org(),
        };
        org.collation_mut().reseed(self.traffic.faults.seed);
        Ok(org)
    }
}

/// The org's addresses and its start point.
#[derive(Debug, Clone)]
pub struct Site {
    /// `http(s)://127.0.0.1:PORT`: the instance URL.
    pub base_url: String,
    /// Where tokens are asked for; the same server, as with a My Domain.
    pub login_url: String,
    pub start: StartPoint,
}

impl Site {
    /// A site at `base_url` that starts from `start`.
    pub fn new(base_url: String, start: StartPoint) -> Self {
        Site {
            login_url: base_url.clone(),
            base_url,
            start,
        }
    }

    /// Folder that relative paths in posted fixtures resolve against: the start fixture's,
    /// else the working directory.
    pub fn fixture_dir(&self) -> PathBuf {
        self.start
            .fixture
            .as_ref()
            .map(|f| f.base_dir.clone())
            .unwrap_or_else(|| Path::new(".").to_path_buf())
    }
}

/// Puts a running org back to its start point: the start fixture, the start traffic settings
/// and token lifetime, no tokens, counters, scripts or log, and the clock on wall time.
pub fn reset(sim: &Sim) -> Result<(), FixtureError> {
    let start = &sim.site.start;
    let org = start.org()?;
    *sim.org.lock() = org;
    sim.auth.revoke_all();
    sim.auth.set_lifetime(start.token_lifetime);
    sim.traffic.reset(&start.traffic);
    sim.clock.release();
    Ok(())
}
