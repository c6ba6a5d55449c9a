//! The org's sense of time: the system clock, or a time tests pin and move.

use chrono::{DateTime, Duration, SecondsFormat, Utc};

/// Where `now` comes from. Pinned in tests so that `CreatedDate`, `LastLoginDate` and the
/// times of sent emails are exact.
#[derive(Debug, Clone, Default)]
pub struct Clock {
    pinned: Option<DateTime<Utc>>,
}

impl Clock {
    /// The current time.
    pub fn now(&self) -> DateTime<Utc> {
        self.pinned.unwrap_or_else(Utc::now)
    }

    /// Pins the clock at `at`, or returns it to the system clock with `None`.
    pub fn set(&mut self, at: Option<DateTime<Utc>>) {
        self.pinned = at;
    }

    /// Moves time forward; a clock on system time is pinned at system time plus `by`.
    pub fn advance(&mut self, by: Duration) {
        self.pinned = Some(self.now() + by);
    }
}

/// A date-time as the REST API prints it: `2024-05-01T12:00:00.000+0000`.
pub fn format_datetime(at: DateTime<Utc>) -> String {
    let text = at.to_rfc3339_opts(SecondsFormat::Millis, true);
    // `…Z` → `…+0000`: Salesforce writes the offset without a colon and never as `Z`.
    match text.strip_suffix('Z') {
        Some(stem) => format!("{stem}+0000"),
        None => text,
    }
}

#[cfg(test)]
mod tests;
