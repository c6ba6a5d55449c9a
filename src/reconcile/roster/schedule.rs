//! The rosters' periodic task, run by one replica at a time (the store's turns): every minute
//! it enqueues the deprovisions of people whose grace ended, and reads each configured roster
//! file once its `every` has passed (at start, then on schedule).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use super::RosterError;
use super::parse::{RosterFormat, parse};
use super::run::{ACTOR, Rosters, RunOrigin, RunRequest};
use crate::store::TaskTurn;

/// The name of the rosters' turn.
pub const TURN: &str = "rosters";

/// How often the task looks.
const TICK: Duration = Duration::from_secs(60);

/// Starts the task when any source has a roster; `None` otherwise.
pub fn spawn(
    rosters: Arc<Rosters>,
    worker_id: &str,
    cancel: CancellationToken,
) -> Option<JoinHandle<()>> {
    if rosters.configs().is_empty() {
        return None;
    }
    let turn = TaskTurn::new(rosters.store().clone(), TURN, worker_id, TICK * 3);
    Some(tokio::spawn(run(rosters, turn, cancel)))
}

async fn run(rosters: Arc<Rosters>, mut turn: TaskTurn, cancel: CancellationToken) {
    let mut last_read: HashMap<String, Instant> = HashMap::new();
    loop {
        if turn.is_mine().await {
            if let Err(e) = rosters.act_on_due(None, None).await {
                tracing::error!(error = %crate::report::chain(&e), "could not act on the people missing from their rosters; trying again later");
            }
            read_due_files(&rosters, &mut last_read).await;
        }
        tokio::select! {
            _ = cancel.cancelled() => break,
            _ = tokio::time::sleep(TICK) => {}
        }
    }
    turn.give_up().await;
}

/// Reads and runs each roster file whose `every` has passed since this replica last read it.
async fn read_due_files(rosters: &Rosters, last_read: &mut HashMap<String, Instant>) {
    for (source, config) in rosters.configs() {
        let Some(path) = &config.file else {
            continue;
        };
        if last_read
            .get(source)
            .is_some_and(|at| at.elapsed() < config.every())
        {
            continue;
        }
        last_read.insert(source.clone(), Instant::now());
        match read_file(rosters, source, path).await {
            Ok(report) => tracing::info!(
                source,
                run_id = report.run_id,
                verdict = report.verdict.as_str(),
                "roster file read"
            ),
            Err(e) => {
                tracing::error!(source, error = %crate::report::chain(&e), "the roster file could not be used; nothing changed")
            }
        }
    }
}

async fn read_file(
    rosters: &Rosters,
    source: &str,
    path: &std::path::Path,
) -> Result<super::RosterReport, RosterError> {
    let body = tokio::fs::read(path)
        .await
        .map_err(|source_error| RosterError::File {
            name: source.to_owned(),
            path: path.to_owned(),
            source: source_error,
        })?;
    let roster = parse(&body, RosterFormat::from_path(path)).map_err(|e| RosterError::Parse {
        name: source.to_owned(),
        path: path.to_owned(),
        source: e,
    })?;
    rosters
        .run(&RunRequest {
            source: source.to_owned(),
            roster,
            origin: RunOrigin::File,
            actor: ACTOR.to_owned(),
            dry_run: false,
        })
        .await
}
