//! Reconciliation on a schedule (`[reconcile] every`), run by one replica at a time (the
//! store's turns): every minute the replica holding the turn looks whether a run that applied
//! the policies started within `every`, and runs one, applying, when none did. The first run
//! is at start when the store keeps no applied run that recent.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use tokio::sync::Notify;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use super::Reconciler;
use crate::store::TaskTurn;

/// The name of the scheduled reconciliation's turn.
pub const TURN: &str = "reconcile";

/// How often the task looks.
const TICK: Duration = Duration::from_secs(60);

/// Starts the task when `[reconcile] every` is set; `None` otherwise. `worker_wake` hears of
/// the repairs a run enqueued.
pub fn spawn(
    reconciler: Arc<Reconciler>,
    worker_id: &str,
    worker_wake: Arc<Notify>,
    cancel: CancellationToken,
) -> Option<JoinHandle<()>> {
    let every = reconciler.config.interval().ok().flatten()?;
    let every = TimeDelta::from_std(every).unwrap_or(TimeDelta::days(365));
    let turn = TaskTurn::new(reconciler.store.clone(), TURN, worker_id, TICK * 3);
    Some(tokio::spawn(run(
        reconciler,
        every,
        turn,
        worker_wake,
        cancel,
    )))
}

async fn run(
    reconciler: Arc<Reconciler>,
    every: TimeDelta,
    mut turn: TaskTurn,
    worker_wake: Arc<Notify>,
    cancel: CancellationToken,
) {
    let mut last_here: Option<DateTime<Utc>> = None;
    loop {
        if turn.is_mine().await {
            let last = last_applied(&reconciler).await.max(last_here);
            if last.is_none_or(|at| at + every <= reconciler.clock.now()) {
                last_here = Some(reconciler.clock.now());
                scheduled_run(&reconciler, &worker_wake).await;
            }
        }
        tokio::select! {
            () = cancel.cancelled() => break,
            () = tokio::time::sleep(TICK) => {}
        }
    }
    turn.give_up().await;
}

async fn scheduled_run(reconciler: &Reconciler, worker_wake: &Notify) {
    match reconciler.run(true, None, None, None).await {
        Ok(report) => {
            worker_wake.notify_one();
            tracing::info!(
                run_id = report.run_id,
                findings = report.findings.len(),
                "scheduled reconciliation done"
            );
        }
        Err(e) => tracing::error!(
            error = %crate::report::chain(&e),
            "the scheduled reconciliation failed; nothing was enqueued; trying again at the next interval"
        ),
    }
}

/// When the newest kept run started, if it applied the policies (any replica's).
async fn last_applied(reconciler: &Reconciler) -> Option<DateTime<Utc>> {
    let report = match reconciler.store.last_reconcile_report().await {
        Ok(report) => report?,
        Err(e) => {
            tracing::warn!(error = %crate::report::chain(&e), "could not read the last reconciliation report");
            return None;
        }
    };
    if report.get("applied").and_then(serde_json::Value::as_bool) != Some(true) {
        return None;
    }
    report
        .get("started_at")
        .and_then(serde_json::Value::as_str)
        .and_then(|at| DateTime::parse_from_rfc3339(at).ok())
        .map(|at| at.with_timezone(&Utc))
}
