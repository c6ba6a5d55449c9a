//! `serve`'s preflight: the same checks as `gatehouse doctor`, logged at start-up, refusing to
//! start only when configured to.

use tracing::Instrument;

use super::checklist::Check;
use crate::config::{PreflightAtStart, SalesforceConfig, Settings};
use crate::salesforce::Connection;

/// Why `serve` did not start: checks failed and `[salesforce.preflight] at_start = "refuse"`.
#[derive(Debug, thiserror::Error)]
#[error(
    "the org's preflight failed: {failures}; fix them (gatehouse doctor --config FILE prints each fix) or set [salesforce.preflight] at_start = \"log\""
)]
pub struct PreflightRefused {
    /// The failed checks' names, joined.
    pub failures: String,
}

/// Runs the checks unless `at_start = "skip"`, logs each, and refuses when asked to and any
/// failed.
pub async fn at_start(
    settings: &Settings,
    org: &SalesforceConfig,
    connection: &Connection,
) -> Result<(), PreflightRefused> {
    let at_start = org.preflight().at_start;
    if at_start == PreflightAtStart::Skip {
        return Ok(());
    }
    // One span for the checks' calls: a trace of its own, apart from any command's, and a
    // `preflight` field on their log lines, which carry no command id.
    let list = super::examine(settings, org, connection)
        .instrument(tracing::info_span!("preflight", preflight = "start-up"))
        .await;
    list.log();
    let failures: Vec<&str> = list.failures().map(|c: &Check| c.name.as_str()).collect();
    tracing::info!(
        failed = failures.len(),
        checks = list.checks.len(),
        "preflight done"
    );
    if at_start == PreflightAtStart::Refuse && !failures.is_empty() {
        return Err(PreflightRefused {
            failures: failures.join(", "),
        });
    }
    Ok(())
}
