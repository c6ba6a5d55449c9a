use super::*;

#[test]
fn data_paths_lose_their_version_prefix() {
    assert_eq!(
        data_path("/services/data/v68.0/sobjects/User"),
        Some("/sobjects/User")
    );
    assert_eq!(data_path("/services/data/v68.0"), Some(""));
    assert_eq!(data_path("/services/oauth2/token"), None);
}
