use super::is_supported;

#[test]
fn versions_from_46_to_the_current_one_are_answered() {
    for ok in ["46.0", "60.0", "68.0"] {
        assert!(is_supported(ok), "{ok}");
    }
    for bad in ["45.0", "69.0", "68.1", "latest", "", "68", ".0", "-1.0"] {
        assert!(!is_supported(bad), "{bad}");
    }
}
