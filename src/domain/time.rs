//! Reading the many timestamp formats senders use into one instant.
//!
//! Seen in the wild: RFC 3339 with `Z` or an offset, `+0000` offsets without a colon (BambooHR),
//! no zone at all (HiBob's `triggeredAt`, taken as UTC), and unix seconds or milliseconds (Gusto).

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};

/// Parses a sender's timestamp into UTC; `None` when it is none of the known forms.
pub fn parse_instant(text: &str) -> Option<DateTime<Utc>> {
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
            return Some(Utc.from_utc_datetime(&t));
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
    fn refuses_what_is_not_a_timestamp() {
        for input in ["", "yesterday", "2026-13-01T00:00:00Z", "12:00"] {
            assert_eq!(parse_instant(input), None, "{input}");
        }
    }
}
