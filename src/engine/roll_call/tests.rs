use super::share_of;

#[test]
fn the_cap_is_divided_equally_among_the_replicas_alive() {
    assert_eq!(share_of(20, 1, true), 20);
    assert_eq!(share_of(20, 3, true), 6);
    assert_eq!(share_of(25, 5, true), 5);
}

#[test]
fn a_share_is_never_below_one_call() {
    assert_eq!(share_of(2, 5, true), 1);
    assert_eq!(share_of(1, 1, true), 1);
}

#[test]
fn a_joining_replica_takes_one_slot_until_the_others_count_it() {
    assert_eq!(share_of(20, 3, false), 1);
    // Alone, nobody else holds a share: the whole cap at once.
    assert_eq!(share_of(20, 1, false), 20);
}
