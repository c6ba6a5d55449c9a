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
