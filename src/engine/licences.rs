//! The org's licence counts, and noticing licences freed outside Gatehouse.
//!
//! [`LicenceCounts`] keeps, per licence type, how many licences the org had free at its last
//! reading (`TotalLicenses − UsedLicenses` of `UserLicense`), minus what this process has taken
//! since. Whoever reads `UserLicense` — the freed-licence check below, the licence gauges, a
//! provision's read with room for the query — refreshes it, and a new user is written without
//! reading the org first only while its licence type shows room here. The count can be wrong
//! (other integrations, admins): a refusal for want of a licence corrects it, and the org's
//! refusal is what decides, never the count.
//!
//! A deprovision by Gatehouse resumes the commands parked on its licence at once. An admin who
//! deactivates someone in Salesforce frees a licence Gatehouse cannot see; while commands are
//! parked, the worker therefore asks the org now and then (one query, one API call) which
//! licence types have room, and resumes the commands waiting for those.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, Utc};
use parking_lot::Mutex;

use crate::salesforce::{CallError, Record, SalesforceClient};
use crate::store::{Store, TaskTurn};

/// The query every reading of the licence counts makes: every user licence with its counts.
pub const LICENCE_QUERY: &str = "SELECT Name, TotalLicenses, UsedLicenses FROM UserLicense";

/// How long a reading is trusted for writing a new user without a read: long enough that lone
/// events between two readings go in one call each, short enough that licences taken by
/// others since are noticed soon. Past it, the next provision reads first (and reads the counts
/// again with it).
pub const TRUSTED_FOR: Duration = Duration::from_secs(600);

/// One licence type as `UserLicense` shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenceCount {
    pub name: String,
    pub total: i64,
    pub used: i64,
}

impl LicenceCount {
    /// The licence counts in `UserLicense` rows; a row without counts is left out.
    pub fn from_records(records: &[Record]) -> Vec<LicenceCount> {
        records
            .iter()
            .filter_map(|r| {
                Some(LicenceCount {
                    name: r.text("Name")?.to_owned(),
                    total: whole(r.get("TotalLicenses"))?,
                    used: whole(r.get("UsedLicenses"))?,
                })
            })
            .collect()
    }
}

/// The licences of the type free in `counts` as read, when the type is among them. A command
/// decides by its own reading where it has one: the shared counts may meanwhile have been
/// refreshed by a reading that already holds a user another command created, and then lowered
/// again by that command's [`LicenceCounts::take`].
pub fn free_in(counts: &[LicenceCount], licence: &str) -> Option<i64> {
    counts
        .iter()
        .find(|c| c.name == licence)
        .map(|c| c.total - c.used)
}

/// A count as Salesforce writes it: `5` or, from some endpoints, `5.0`.
fn whole(value: Option<&serde_json::Value>) -> Option<i64> {
    let value = value?;
    value.as_i64().or_else(|| value.as_f64().map(|f| f as i64))
}

/// The free licences per type, as last read and taken from since; shared by every reader.
#[derive(Debug, Clone, Default)]
pub struct LicenceCounts {
    free: Arc<Mutex<HashMap<String, Free>>>,
}

#[derive(Debug, Clone, Copy)]
struct Free {
    count: i64,
    read_at: Instant,
}

impl LicenceCounts {
    /// Counts as the org reported them just now.
    pub fn refresh(&self, counts: &[LicenceCount]) {
        let now = Instant::now();
        let mut free = self.free.lock();
        for c in counts {
            free.insert(
                c.name.clone(),
                Free {
                    count: c.total - c.used,
                    read_at: now,
                },
            );
        }
    }

    /// Whether the licence type showed room at a reading still trusted ([`TRUSTED_FOR`]).
    pub fn has_room(&self, licence: &str) -> bool {
        self.free
            .lock()
            .get(licence)
            .is_some_and(|f| f.count > 0 && f.read_at.elapsed() < TRUSTED_FOR)
    }

    /// The free licences of the type at a reading still trusted ([`TRUSTED_FOR`]), minus those
    /// taken since; `None` when the type was never read or its reading is past trusting.
    pub fn free(&self, licence: &str) -> Option<i64> {
        self.free
            .lock()
            .get(licence)
            .filter(|f| f.read_at.elapsed() < TRUSTED_FOR)
            .map(|f| f.count)
    }

    /// Whether no trusted reading is at hand, so a read should bring the counts along.
    pub fn stale(&self) -> bool {
        let free = self.free.lock();
        free.is_empty() || free.values().any(|f| f.read_at.elapsed() >= TRUSTED_FOR)
    }

    /// This process took a licence of the type (a user created or made active again) by a
    /// write that started at `write_started`. A reading made after that may already hold the
    /// new user (another command's read can land between the org's create and this call), so
    /// only a reading from before the write is lowered: counting the user twice would park a
    /// person while a licence is free, where counting it not at all costs one refused create.
    pub fn take(&self, licence: &str, write_started: Instant) {
        if let Some(f) = self.free.lock().get_mut(licence)
            && f.read_at <= write_started
        {
            f.count -= 1;
        }
    }

    /// The org refused a user for want of this licence: none is free, whatever was counted.
    pub fn exhausted(&self, licence: &str) {
        if let Some(f) = self.free.lock().get_mut(licence) {
            f.count = 0;
        }
    }

    /// Names of the licence types with room, as last counted.
    fn with_room(&self) -> Vec<String> {
        let free = self.free.lock();
        free.iter()
            .filter(|(_, f)| f.count > 0)
            .map(|(name, _)| name.clone())
            .collect()
    }
}

/// Reads the org's licence counts (one API call) into `counts`.
pub async fn read_counts(
    client: &SalesforceClient,
    counts: &LicenceCounts,
) -> Result<Vec<LicenceCount>, CallError> {
    let result = client.query(LICENCE_QUERY).await?;
    let read = LicenceCount::from_records(&result.records);
    counts.refresh(&read);
    Ok(read)
}

/// Names of the licence types with at least one free licence, read from the org now.
pub async fn with_room(
    client: &SalesforceClient,
    counts: &LicenceCounts,
) -> Result<Vec<String>, CallError> {
    read_counts(client, counts).await?;
    Ok(counts.with_room())
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

#[cfg(test)]
mod tests;
