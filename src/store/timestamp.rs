//! How times are written where the database has no time type (SQLite).
//!
//! RFC 3339 in UTC with exactly three fractional digits and a `Z`: fixed width, so the text sorts
//! like the time it names, and readable in the `sqlite3` shell. Times are cut to the millisecond
//! before they are stored, so what a caller is told equals what it later reads back.

use chrono::{DateTime, Datelike, SecondsFormat, SubsecRound, Utc};

/// The same instant, cut to what the store keeps.
pub(crate) fn to_millis(time: DateTime<Utc>) -> DateTime<Utc> {
    time.trunc_subsecs(3)
}

/// Whether the time fits the fixed-width text form (four-digit years).
pub(crate) fn is_storable(time: DateTime<Utc>) -> bool {
    (0..=9999).contains(&time.year())
}

/// The stored text of a time.
pub(crate) fn to_text(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// Reads a stored time back.
pub(crate) fn from_text(text: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    DateTime::parse_from_rfc3339(text).map(|time| time.with_timezone(&Utc))
}

#[cfg(test)]
mod tests;
