use std::time::{Duration, Instant};

use super::*;

fn limits(rate_per_second: f64, burst: u32, bodies_in_flight: u32) -> SourceLimits {
    SourceLimits {
        rate_per_second,
        burst,
        bodies_in_flight,
    }
}

#[test]
fn a_burst_passes_then_the_rate_applies_with_the_wait_until_the_next_token() {
    let start = Instant::now();
    let limiter = SenderLimiter::new(&limits(0.25, 2, 10), start);
    assert!(limiter.admit(start).is_ok());
    assert!(limiter.admit(start).is_ok());
    let refused = limiter.admit(start).unwrap_err();
    assert_eq!(refused.reason(), "rate_limited");
    assert_eq!(refused.retry_after(), 4);
    // Two seconds on, half a token has come back: two more to wait.
    let later = start + Duration::from_secs(2);
    assert_eq!(limiter.admit(later).unwrap_err().retry_after(), 2);
    assert!(limiter.admit(start + Duration::from_secs(4)).is_ok());
}

#[test]
fn a_quiet_spell_refills_no_more_than_the_burst() {
    let start = Instant::now();
    let limiter = SenderLimiter::new(&limits(10.0, 3, 10), start);
    let later = start + Duration::from_secs(3600);
    for _ in 0..3 {
        assert!(limiter.admit(later).is_ok());
    }
    assert_eq!(limiter.admit(later).unwrap_err().reason(), "rate_limited");
}

#[test]
fn bodies_in_flight_are_counted_until_their_permits_are_dropped() {
    let now = Instant::now();
    let limiter = SenderLimiter::new(&limits(1000.0, 1000, 2), now);
    let first = limiter.admit(now).unwrap();
    let _second = limiter.admit(now).unwrap();
    let refused = limiter.admit(now).unwrap_err();
    assert_eq!(
        refused,
        Throttled::BodiesInFlight {
            limit: 2,
            retry_after: 1
        }
    );
    drop(first);
    assert!(limiter.admit(now).is_ok());
}

#[test]
fn a_delivery_refused_for_its_body_count_takes_no_token() {
    let now = Instant::now();
    let limiter = SenderLimiter::new(&limits(0.001, 2, 1), now);
    let held = limiter.admit(now).unwrap();
    assert_eq!(
        limiter.admit(now).unwrap_err().reason(),
        "too_many_in_flight"
    );
    drop(held);
    // Two tokens: one went to the first delivery, the refused one took none.
    assert!(limiter.admit(now).is_ok());
    assert_eq!(limiter.admit(now).unwrap_err().reason(), "rate_limited");
}
