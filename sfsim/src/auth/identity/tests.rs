use super::identity_user_type;

#[test]
fn user_types_are_spelled_in_capitals_with_underscores() {
    assert_eq!(identity_user_type("Standard"), "STANDARD");
    assert_eq!(identity_user_type("PowerPartner"), "POWER_PARTNER");
    assert_eq!(identity_user_type("CspLitePortal"), "CSP_LITE_PORTAL");
}
