use super::GroupLock;

#[test]
fn a_second_hold_is_refused_until_the_first_ends() {
    let lock = GroupLock::default();
    let first = lock.try_hold().expect("free");
    assert!(lock.try_hold().is_none(), "overlapping");
    drop(first);
    assert!(lock.try_hold().is_some(), "free again");
    assert_eq!(lock.view().refused, 1);
}

#[test]
fn forced_refusals_come_first_and_count_down() {
    let lock = GroupLock::default();
    lock.force(2);
    assert!(lock.try_hold().is_none());
    assert!(lock.try_hold().is_none());
    assert!(lock.try_hold().is_some());
    let view = lock.view();
    assert_eq!((view.forced_remaining, view.refused), (0, 2));
}
