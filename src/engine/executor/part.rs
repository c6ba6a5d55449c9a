//! What a run's ending counts, and when a run has nothing to do.

use chrono::{DateTime, Utc};

use crate::domain::BatchRecord;
use crate::salesforce::CallMeter;
use crate::store::ClaimedCommand;

/// What an ending counts: the calls the command caused alone, and the batch it ran in.
pub(in crate::engine) struct Tally<'a> {
    pub(in crate::engine) meter: &'a CallMeter,
    pub(in crate::engine) batch: Option<&'a BatchRecord>,
}

/// When the command is older than the last event applied for its subject: the time of that
/// event. Such a command ends at once, as `skipped_stale`.
pub(in crate::engine) fn stale_since(claimed: &ClaimedCommand) -> Option<DateTime<Utc>> {
    claimed
        .subject
        .last_applied_source_time
        .filter(|last| claimed.command.origin.source_time < *last)
}
