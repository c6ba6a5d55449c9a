use super::*;

#[test]
fn delays_grow_exponentially_up_to_the_cap_within_the_jitter_band() {
    let policy = RetryPolicy::default();
    let at = |n| policy.delay(n, Disposition::Transient, 0.5);
    assert_eq!(at(1), Duration::from_secs(2));
    assert_eq!(at(2), Duration::from_secs(4));
    assert_eq!(at(5), Duration::from_secs(32));
    assert_eq!(at(30), Duration::from_secs(600));
    assert_eq!(
        policy.delay(1, Disposition::Transient, 0.0),
        Duration::from_millis(1600)
    );
    assert_eq!(
        policy
            .delay(1, Disposition::Transient, 0.999_999)
            .as_millis(),
        2399
    );
}

#[test]
fn a_spent_api_allowance_waits_at_least_the_rate_limit_delay() {
    let policy = RetryPolicy::default();
    assert_eq!(
        policy.delay(1, Disposition::RateLimited, 0.5),
        Duration::from_secs(300)
    );
}
