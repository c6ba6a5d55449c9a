//! `[retention]`: how long each kind of record that holds personal data keeps it, how often
//! the pass that removes it runs, and how many rows each of its statements touches
//! (docs/privacy.md says what each kind keeps afterwards).

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::reconcile::parse_every;

/// The longest retention a setting takes: a century is as good as forever, and the cut-off it
/// makes stays a time the store can keep.
const MAX_DAYS: u32 = 36_500;

/// The most rows one statement of a pass touches: bodies come along when a batch of inbox
/// events is read, so a batch stays within a few megabytes.
const MAX_BATCH: u32 = 10_000;

/// `[retention]`. Every setting counts days; 0 keeps that kind forever.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetentionConfig {
    /// Days after its verdict that a mapped or ignored event's raw body is dropped (the dedupe
    /// key, the verdict and the body's SHA-256 stay). Accepted and unmapped events keep theirs.
    pub inbox_bodies_days: u32,
    /// Days after it finished that a command's intent and outcome lose their personal fields.
    pub commands_days: u32,
    /// Days after it was written that a history entry's detail loses its personal fields.
    pub history_days: u32,
    /// Days a roster run and its report are kept.
    pub rosters_days: u32,
    /// Days a reconciliation report is kept (the newest is always kept).
    pub reconcile_reports_days: u32,
    /// Days a webhook delivery's row is kept after it was made; it goes only once its outcome
    /// event is gone from the outbox too.
    pub webhook_deliveries_days: u32,
    /// Days after it was made that an audit entry loses whom it was about (the subject key and
    /// the request's query values); who acted, when, what and why stay.
    pub audit_days: u32,
    /// Days data fetched from a source about a person is kept, once its event is mapped; for
    /// source enrichment, which keeps nothing yet.
    pub fetched_days: u32,
    /// How often the pass runs (`"1h"`, `"30m"`, `"1d"`): at least a minute.
    pub every: String,
    /// Rows per statement, each its own short transaction, so the writer is never held long.
    pub batch_size: u32,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        RetentionConfig {
            inbox_bodies_days: 30,
            commands_days: 90,
            history_days: 90,
            rosters_days: 90,
            reconcile_reports_days: 90,
            webhook_deliveries_days: 30,
            audit_days: 365,
            fetched_days: 30,
            every: "1h".to_owned(),
            batch_size: 500,
        }
    }
}

impl RetentionConfig {
    /// Each setting counted in days, with its key.
    pub fn days(&self) -> [(&'static str, u32); 8] {
        [
            ("retention.inbox_bodies_days", self.inbox_bodies_days),
            ("retention.commands_days", self.commands_days),
            ("retention.history_days", self.history_days),
            ("retention.rosters_days", self.rosters_days),
            (
                "retention.reconcile_reports_days",
                self.reconcile_reports_days,
            ),
            (
                "retention.webhook_deliveries_days",
                self.webhook_deliveries_days,
            ),
            ("retention.audit_days", self.audit_days),
            ("retention.fetched_days", self.fetched_days),
        ]
    }

    /// Whether any kind is kept for a limited time: otherwise no pass runs.
    pub fn limits_anything(&self) -> bool {
        self.days().iter().any(|(_, days)| *days > 0)
    }

    /// `every` as a duration, if readable.
    pub fn interval(&self) -> Result<Duration, String> {
        parse_every(&self.every)
    }

    /// What is wrong, by key.
    pub fn problems(&self) -> Vec<(&'static str, String)> {
        let mut problems = Vec::new();
        for (key, days) in self.days() {
            if days > MAX_DAYS {
                problems.push((
                    key,
                    format!("{days} is out of range; choose at most {MAX_DAYS} days, or 0 to keep forever"),
                ));
            }
        }
        if let Err(e) = self.interval() {
            problems.push(("retention.every", e));
        }
        if !(1..=MAX_BATCH).contains(&self.batch_size) {
            problems.push((
                "retention.batch_size",
                format!(
                    "{} is out of range; choose between 1 and {MAX_BATCH} rows per statement",
                    self.batch_size
                ),
            ));
        }
        problems
    }
}

#[cfg(test)]
mod tests;
