use super::*;

#[test]
fn advancing_a_running_clock_fixes_it_ahead_of_wall_time() {
    let clock = SimClock::default();
    let before = Utc::now();
    let moved = clock.advance(Duration::hours(3));
    assert!(moved >= before + Duration::hours(3));
    assert_eq!(clock.now(), moved);
    clock.release();
    assert!(clock.now() < moved);
}
