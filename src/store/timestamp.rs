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
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn stored_text_sorts_like_the_times() {
        let early = Utc.with_ymd_and_hms(2024, 1, 2, 3, 4, 5).unwrap();
        let later = early + chrono::TimeDelta::milliseconds(7);
        let much_later = Utc.with_ymd_and_hms(2031, 11, 30, 0, 0, 0).unwrap();
        let texts = [to_text(early), to_text(later), to_text(much_later)];
        assert_eq!(texts[0], "2024-01-02T03:04:05.000Z");
        assert_eq!(texts[1], "2024-01-02T03:04:05.007Z");
        let mut sorted = texts.clone();
        sorted.sort();
        assert_eq!(sorted, texts);
    }

    #[test]
    fn a_time_cut_to_millis_reads_back_equal() {
        let now = to_millis(Utc::now());
        assert_eq!(from_text(&to_text(now)), Ok(now));
    }

    #[test]
    fn five_digit_years_are_not_storable() {
        let far = Utc.with_ymd_and_hms(10000, 1, 1, 0, 0, 0).unwrap();
        assert!(!is_storable(far));
        assert!(is_storable(Utc::now()));
    }
}
