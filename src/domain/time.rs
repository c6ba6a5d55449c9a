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
mod tests;
