//! Noticing licences freed outside Gatehouse, so parked commands resume without an operator.
//!
//! A deprovision by Gatehouse resumes the commands parked on its licence at once. An admin who
//! deactivates someone in Salesforce frees a licence Gatehouse cannot see; while commands are
//! parked, the worker therefore asks the org now and then (one query, one API call) which
//! licence types have room, and resumes the commands waiting for those.

use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};

use crate::salesforce::{CallError, SalesforceClient};
use crate::store::{Store, TaskTurn};

/// Names of the licence types with at least one free licence.
pub async fn with_room(client: &SalesforceClient) -> Result<Vec<String>, CallError> {
    let result = client
        .query("SELECT Name, TotalLicenses, UsedLicenses FROM UserLicense")
        .await?;
    Ok(result
        .records
        .iter()
        .filter(|r| {
            let total = r.get("TotalLicenses").and_then(|v| v.as_i64()).unwrap_or(0);
            let used = r
                .get("UsedLicenses")
                .and_then(|v| v.as_i64())
                .unwrap_or(i64::MAX);
            used < total
        })
        .filter_map(|r| r.text("Name").map(str::to_owned))
        .collect())
}

/// The name of the freed-licence check's turn: one replica at a time asks the org.
pub const TURN: &str = "licence-check";

/// When the worker next asks the org for freed licences, and whether it is this replica's turn
/// to: replicas sharing the store take turns, so the org is asked once per period, not once
/// per replica.
pub(super) struct FreedLicenceCheck {
    every: TimeDelta,
    next_at: DateTime<Utc>,
    turn: TaskTurn,
}

impl FreedLicenceCheck {
    /// A check every `every`, the first one `every` after `now`, taking turns as `worker_id`.
    pub(super) fn new(
        store: Store,
        worker_id: &str,
        every: TimeDelta,
        now: DateTime<Utc>,
    ) -> FreedLicenceCheck {
        // The holder keeps its turn by checking; another replica takes over three periods
        // after it stopped.
        let lease = every.to_std().unwrap_or(Duration::from_secs(60)) * 3;
        FreedLicenceCheck {
            every,
            next_at: now + every,
            turn: TaskTurn::new(store, TURN, worker_id, lease),
        }
    }

    /// Whether a check is due by the clock at `now`; when it is, the next is due `every` later.
    pub(super) fn is_due(&mut self, now: DateTime<Utc>) -> bool {
        if now < self.next_at {
            return false;
        }
        self.next_at = now + self.every;
        true
    }

    /// The turn to hold before asking the org.
    pub(super) fn turn(&mut self) -> &mut TaskTurn {
        &mut self.turn
    }

    /// Gives the turn up (at shutdown).
    pub(super) async fn give_up(self) {
        self.turn.give_up().await;
    }
}
