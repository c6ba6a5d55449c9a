//! Reading the many timestamp formats senders use into one instant.
//!
//! Seen in the wild: RFC 3339 with `Z` or an offset, `+0000` offsets without a colon (BambooHR),
//! no zone at all (HiBob's `triggeredAt`, taken as UTC unless a zone is given), unix seconds or
//! milliseconds (Gusto), and dates on their own (Deel's `completion_date`, a contract's `ended_at`).

use std::time::Duration;

use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;

/// Parses a sender's timestamp into UTC; `None` when it is none of the known forms.
pub fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
    parse_zoned(text, &Tz::UTC)
}

/// Parses a sender's timestamp, reading zone-less ones (HiBob) in `zone`. A date on its own is
/// the start of that day in `zone`: an event that only names its day happened no earlier.
pub fn parse_instant_in(text: &str, zone: &Tz) -> Option<DateTime<Utc>> {
    match parse_date(text) {
        Some(date) => start_of_day(date, zone),
        None => parse_zoned(text, zone),
    }
}

/// Parses the time something ends or takes effect. A date on its own means the *end* of that
/// day in `zone`, given as the first instant of the next day: a contract that ends on
/// 2026-12-31 still holds all of that day, and the next day's midnight is exact where
/// 23:59:59.999… would depend on the precision of whoever compares it.
pub fn parse_until(text: &str, zone: &Tz) -> Option<DateTime<Utc>> {
    match parse_date(text) {
        Some(date) => start_of_day(date.succ_opt()?, zone),
        None => parse_zoned(text, zone),
    }
}

/// Reads a grace period such as `7d`, `24h`, `90m`, `30s` or `1d12h` (units `w d h m s`).
/// `None` for anything else, for zero, and for periods too long to represent.
pub fn parse_grace(text: &str) -> Option<Duration> {
    let text = text.trim();
    let mut total: u64 = 0;
    let mut digits = String::new();
    for c in text.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit: u64 = match c {
            'w' => 7 * 86_400,
            'd' => 86_400,
            'h' => 3_600,
            'm' => 60,
            's' => 1,
            _ => return None,
        };
        let n: u64 = digits.parse().ok()?;
        digits.clear();
        total = total.checked_add(n.checked_mul(unit)?)?;
    }
    if !digits.is_empty() || total == 0 {
        return None;
    }
    Some(Duration::from_secs(total))
}

fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    // Exactly YYYY-MM-DD: chrono alone would also take `2026-1-5`, which no sender writes.
    if text.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

/// Midnight at the start of `date` in `zone`. Where a clock change skips midnight (some zones
/// move their clocks at 00:00), the day starts when the clocks resume.
fn start_of_day(date: NaiveDate, zone: &Tz) -> Option<DateTime<Utc>> {
    local_to_utc(date.and_time(NaiveTime::MIN), zone)
}

/// A wall-clock time in `zone` as an instant. An ambiguous time (clocks going back) is the
/// earlier of the two; a time skipped by clocks going forward is read with the offset in force
/// before the change, which lands just after it, as a wall clock would.
fn local_to_utc(local: NaiveDateTime, zone: &Tz) -> Option<DateTime<Utc>> {
    match zone.from_local_datetime(&local) {
        chrono::LocalResult::Single(t) => Some(t.with_timezone(&Utc)),
        chrono::LocalResult::Ambiguous(earlier, _) => Some(earlier.with_timezone(&Utc)),
        chrono::LocalResult::None => {
            let before = local.checked_sub_signed(chrono::TimeDelta::days(1))?;
            let offset = zone.offset_from_utc_datetime(&before).fix();
            let utc = local
                .checked_sub_signed(chrono::TimeDelta::seconds(offset.local_minus_utc().into()))?;
            Some(Utc.from_utc_datetime(&utc))
        }
    }
}

fn parse_zoned(text: &str, zone: &Tz) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    if text.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = text.parse().ok()?;
        // Ten digits or fewer are seconds until the year 2286; more are milliseconds.
        return if text.len() <= 10 {
            Utc.timestamp_opt(n, 0).single()
        } else {
            Utc.timestamp_millis_opt(n).single()
        };
    }
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%d %H:%M:%S%.f%z"] {
        if let Ok(t) = DateTime::parse_from_str(text, format) {
            return Some(t.with_timezone(&Utc));
        }
    }
    for format in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M:%S%.f"] {
        if let Ok(t) = NaiveDateTime::parse_from_str(text, format) {
            return local_to_utc(t, zone);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn reads_each_format_senders_use() {
        let cases = [
            ("2026-01-31T18:42:00Z", "2026-01-31T18:42:00Z"),
            ("2026-01-31T18:42:00+0000", "2026-01-31T18:42:00Z"),
            ("2026-01-31T19:42:00+01:00", "2026-01-31T18:42:00Z"),
            ("2024-12-26T11:29:14.399997", "2024-12-26T11:29:14.399997Z"),
            ("1671058841", "2022-12-14T23:00:41Z"),
            ("1671058841000", "2022-12-14T23:00:41Z"),
            ("2025-06-30T08:32:52.119Z", "2025-06-30T08:32:52.119Z"),
        ];
        for (input, expected) in cases {
            assert_eq!(parse_instant(input), Some(utc(expected)), "{input}");
        }
    }

    #[test]
    fn zone_less_timestamps_are_read_in_the_given_zone() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        assert_eq!(
            parse_instant_in("2024-12-26T11:29:14.399997", &berlin),
            Some(utc("2024-12-26T10:29:14.399997Z"))
        );
        // A zone in the text wins over the configured one.
        assert_eq!(
            parse_instant_in("2026-01-31T18:42:00+0000", &berlin),
            Some(utc("2026-01-31T18:42:00Z"))
        );
        assert_eq!(
            parse_instant_in("2026-07-01", &berlin),
            Some(utc("2026-06-30T22:00:00Z"))
        );
    }

    #[test]
    fn a_date_alone_ends_at_the_next_local_midnight_across_clock_changes() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        // Clocks go forward in the night of 28-29 March 2026 and back on 24-25 October 2026:
        // the end of each day is the next midnight at the offset in force then.
        assert_eq!(
            parse_until("2026-03-28", &berlin),
            Some(utc("2026-03-28T23:00:00Z"))
        );
        assert_eq!(
            parse_until("2026-03-29", &berlin),
            Some(utc("2026-03-29T22:00:00Z"))
        );
        assert_eq!(
            parse_until("2026-10-25", &berlin),
            Some(utc("2026-10-25T23:00:00Z"))
        );
        assert_eq!(
            parse_until("2026-12-31", &Tz::UTC),
            Some(utc("2027-01-01T00:00:00Z"))
        );
        // Instants are taken as they are.
        assert_eq!(
            parse_until("2026-12-31T12:00:00Z", &berlin),
            Some(utc("2026-12-31T12:00:00Z"))
        );
    }

    #[test]
    fn a_wall_clock_time_inside_a_skipped_hour_lands_after_the_change() {
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        // 02:30 does not exist on 29 March 2026 in Berlin; read with the winter offset it is
        // 01:30Z, which is 03:30 summer time.
        assert_eq!(
            parse_instant_in("2026-03-29T02:30:00", &berlin),
            Some(utc("2026-03-29T01:30:00Z"))
        );
        // 02:30 happens twice on 25 October 2026: the earlier one is meant.
        assert_eq!(
            parse_instant_in("2026-10-25T02:30:00", &berlin),
            Some(utc("2026-10-25T00:30:00Z"))
        );
    }

    #[test]
    fn grace_periods_read_their_units() {
        assert_eq!(parse_grace("7d"), Some(Duration::from_secs(7 * 86_400)));
        assert_eq!(parse_grace("24h"), Some(Duration::from_secs(86_400)));
        assert_eq!(parse_grace("1d12h"), Some(Duration::from_secs(129_600)));
        assert_eq!(parse_grace("2w"), Some(Duration::from_secs(1_209_600)));
        assert_eq!(parse_grace("90s"), Some(Duration::from_secs(90)));
        for bad in ["", "7", "d", "0d", "7 days", "-1d", "99999999999999999999d"] {
            assert_eq!(parse_grace(bad), None, "{bad}");
        }
    }

    #[test]
    fn refuses_what_is_not_a_timestamp() {
        for input in ["", "yesterday", "2026-13-01T00:00:00Z", "12:00", "2026-1-5"] {
            assert_eq!(parse_instant(input), None, "{input}");
            assert_eq!(parse_until(input, &Tz::UTC), None, "{input}");
        }
        // The zone-free reader keeps refusing dates alone, as the ingress expects.
        assert_eq!(parse_instant("2026-12-31"), None);
    }
}
