use super::*;
use chrono::TimeZone;

#[test]
fn datetimes_print_like_the_rest_api() {
    let at = Utc
        .with_ymd_and_hms(2024, 5, 1, 12, 0, 7)
        .single()
        .expect("valid");
    assert_eq!(format_datetime(at), "2024-05-01T12:00:07.000+0000");
}

#[test]
fn a_pinned_clock_stands_still_until_moved() {
    let at = Utc
        .with_ymd_and_hms(2024, 5, 1, 12, 0, 0)
        .single()
        .expect("valid");
    let mut clock = Clock::default();
    clock.set(Some(at));
    assert_eq!(clock.now(), at);
    clock.advance(Duration::minutes(5));
    assert_eq!(clock.now(), at + Duration::minutes(5));
}
