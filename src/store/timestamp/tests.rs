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
