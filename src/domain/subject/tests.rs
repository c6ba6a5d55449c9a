use super::*;

#[test]
fn source_ids_make_keys() {
    for text in [
        "partner-portal:u-1",
        "bamboohr:67890",
        "hibob:3332883894235038486",
    ] {
        assert_eq!(SubjectKey::parse(text).unwrap().as_str(), text);
    }
}

#[test]
fn emails_empty_long_and_odd_keys_are_refused() {
    assert_eq!(SubjectKey::parse("  "), Err(SubjectKeyError::Empty));
    assert_eq!(
        SubjectKey::parse("portal:ada@example.com"),
        Err(SubjectKeyError::LooksLikeEmail)
    );
    assert!(matches!(
        SubjectKey::parse(&"k".repeat(256)),
        Err(SubjectKeyError::TooLong { len: 256, .. })
    ));
    assert_eq!(
        SubjectKey::parse("a/b"),
        Err(SubjectKeyError::BadCharacter { found: '/' })
    );
}
