use super::*;
use chrono::TimeDelta;

#[test]
fn manual_clock_reports_the_time_it_was_set_to() {
    let clock = ManualClock::at_unix_seconds(1_614_265_330);
    assert_eq!(clock.now().timestamp(), 1_614_265_330);
    let later = DateTime::from_timestamp(1_700_000_000, 0).unwrap();
    clock.set(later);
    assert_eq!(clock.now(), later);
}

#[test]
fn advancing_one_handle_moves_every_clone() {
    let clock = ManualClock::at_unix_seconds(1_000);
    let shared: Arc<dyn Clock> = clock.shared();
    clock.advance(TimeDelta::seconds(301));
    assert_eq!(shared.now().timestamp(), 1_301);
    clock.advance(TimeDelta::seconds(-2));
    assert_eq!(shared.now().timestamp(), 1_299);
}

#[test]
fn extreme_steps_saturate_instead_of_panicking() {
    let clock = ManualClock::at_unix_seconds(0);
    clock.advance(TimeDelta::MAX);
    assert!(clock.now() > DateTime::from_timestamp(0, 0).unwrap());
    clock.set(DateTime::from_timestamp(0, 0).unwrap());
    clock.advance(TimeDelta::MIN);
    assert!(clock.now() < DateTime::from_timestamp(0, 0).unwrap());
}

#[test]
fn system_clock_moves_with_the_wall_clock() {
    let before = Utc::now();
    let seen = SystemClock.now();
    assert!(seen >= before);
}
