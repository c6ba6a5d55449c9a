use super::*;

#[test]
fn the_schedule_grows_as_standard_webhooks_suggests_and_then_repeats() {
    let waits: Vec<i64> = (1..=8).map(|n| base_wait(n).num_seconds()).collect();
    assert_eq!(waits, [5, 300, 1800, 7200, 18_000, 36_000, 36_000, 36_000]);
}

#[test]
fn jitter_stays_within_a_fifth_and_differs_between_events() {
    for failed in 1..=7 {
        let base = base_wait(failed).num_milliseconds();
        for id in ["out_a", "out_b", "out_c"] {
            let wait = wait(id, failed).num_milliseconds();
            assert!(
                wait >= base * 8 / 10 && wait <= base * 12 / 10,
                "{id} {failed}: {wait}"
            );
        }
    }
    let spread: std::collections::BTreeSet<i64> = (0..20)
        .map(|n| wait(&format!("out_{n}"), 1).num_milliseconds())
        .collect();
    assert!(spread.len() > 10, "{spread:?}");
}

#[test]
fn a_delivery_is_given_up_once_the_next_attempt_falls_after_the_window() {
    let now = DateTime::parse_from_rfc3339("2026-12-01T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc);
    let until = now + TimeDelta::hours(24);
    assert!(next_attempt("out_a", 1, now, until).is_some());
    assert_eq!(
        next_attempt("out_a", 6, now + TimeDelta::hours(20), until),
        None
    );
}
