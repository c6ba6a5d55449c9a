use super::*;
use chrono::Duration;

#[test]
fn the_allowance_is_refused_when_spent_and_recovers_after_a_day() {
    let usage = ApiUsage::new(2);
    let t0 = Utc::now();
    assert_eq!(usage.try_count(t0).map(|u| u.used), Ok(1));
    assert_eq!(
        usage.try_count(t0 + Duration::hours(1)).map(|u| u.used),
        Ok(2)
    );
    assert!(usage.try_count(t0 + Duration::hours(2)).is_err());
    // The first call leaves the window 24 hours later; the second is still in it.
    let later = t0 + Duration::hours(24) + Duration::minutes(1);
    assert_eq!(usage.current(later).used, 1);
    assert!(usage.try_count(later).is_ok());
}

#[test]
fn setting_used_replaces_history() {
    let usage = ApiUsage::new(10);
    let now = Utc::now();
    usage.try_count(now).unwrap();
    let after = usage.set(Some(20), Some(15), now);
    assert_eq!((after.used, after.max, after.remaining), (15, 20, 5));
    assert_eq!(after.header_value(), "api-usage=15/20");
}
