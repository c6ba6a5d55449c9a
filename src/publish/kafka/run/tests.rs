use super::*;

#[test]
fn the_backoff_doubles_from_the_first_wait_up_to_the_cap() {
    assert_eq!(backoff(0), FIRST_BACKOFF);
    assert_eq!(backoff(1), FIRST_BACKOFF * 2);
    assert_eq!(backoff(3), FIRST_BACKOFF * 8);
    assert_eq!(backoff(20), MAX_BACKOFF);
    assert_eq!(backoff(u32::MAX), MAX_BACKOFF);
}
