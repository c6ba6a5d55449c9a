//! How a run's Salesforce part is done — by the run, or by a batch it ran in — and what its
//! ending counts.

use chrono::{DateTime, Utc};

use super::outcome::Done;
use crate::domain::BatchRecord;
use crate::engine::apply::ApplyError;
use crate::salesforce::CallMeter;
use crate::store::ClaimedCommand;

/// How a run's Salesforce part is done.
pub(in crate::engine) enum Part {
    /// By this run: read, plan, apply.
    Own,
    /// Already, by a batch that shared its requests with other commands. `resumed`: the batch
    /// has already resumed the commands parked for any licence this one freed (once for all
    /// its members, before any of their outcomes), so the ending does not do it again.
    Settled {
        result: Box<Result<Done, ApplyError>>,
        resumed: bool,
    },
}

/// What an ending counts: the calls the command caused alone, and the batch it ran in.
pub(super) struct Tally<'a> {
    pub(super) meter: &'a CallMeter,
    pub(super) batch: Option<&'a BatchRecord>,
}

/// When the command is older than the last event applied for its subject: the time of that
/// event. Such a command ends at once, as `skipped_stale`.
pub(in crate::engine) fn stale_since(claimed: &ClaimedCommand) -> Option<DateTime<Utc>> {
    claimed
        .subject
        .last_applied_source_time
        .filter(|last| claimed.command.origin.source_time < *last)
}
