use super::*;

#[test]
fn every_role_reads_and_only_admin_holds_every_duty() {
    for held in Role::ALL {
        assert!(held.grants(Role::Viewer), "{held} reads");
        assert_eq!(held.grants(Role::Admin), held == Role::Admin, "{held}");
        assert!(Role::Admin.grants(held), "admin grants {held}");
    }
}

#[test]
fn operator_and_approver_are_separate_duties() {
    assert!(Role::Operator.grants(Role::Operator));
    assert!(!Role::Operator.grants(Role::Approver));
    assert!(Role::Approver.grants(Role::Approver));
    assert!(!Role::Approver.grants(Role::Operator));
    assert!(!Role::Viewer.grants(Role::Operator));
    assert!(!Role::Viewer.grants(Role::Approver));
}

#[test]
fn names_read_back_as_the_same_role() {
    for role in Role::ALL {
        assert_eq!(Role::parse(role.as_str()), Some(role));
    }
    assert_eq!(Role::parse("Admin"), None);
    assert_eq!(Role::parse("root"), None);
}
