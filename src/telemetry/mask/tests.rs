use super::*;

#[test]
fn the_same_email_always_masks_the_same_whatever_its_case() {
    assert_eq!(email("Ada@Example.com"), email(" ada@example.com"));
    assert_ne!(email("ada@example.com"), email("bob@example.com"));
    let masked = email("ada@example.com").to_string();
    assert!(masked.starts_with("email:"), "{masked}");
    assert_eq!(masked.len(), "email:".len() + 12);
    assert!(!masked.contains("ada"));
}

#[test]
fn emails_inside_text_are_replaced_by_their_hash() {
    let text = r#"{"message":"DUPLICATE_USERNAME: ada.lovelace+x@partner.example.acme is taken. Try bob@b.io."}"#;
    let masked = mask_emails(text);
    assert!(!masked.contains("lovelace"), "{masked}");
    assert!(!masked.contains("bob@"), "{masked}");
    assert!(
        masked.contains(email("ada.lovelace+x@partner.example.acme").as_str()),
        "{masked}"
    );
    assert!(
        masked.ends_with(&format!("{}.\"}}", email("bob@b.io"))),
        "{masked}"
    );
}

#[test]
fn text_without_an_address_is_left_alone() {
    for text in [
        "no at sign",
        "@",
        "a@",
        "@b.c",
        "user@localhost",
        "x @ y.z",
        "ünïcödé @@ ..",
    ] {
        assert_eq!(mask_emails(text), text);
    }
}
