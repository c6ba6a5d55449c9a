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

#[test]
fn fields_named_for_a_person_are_masked_whole() {
    assert_eq!(field("last_name", "Lovelace"), name("Lovelace").to_string());
    assert_eq!(field("contact.FirstName", "Ada"), name("Ada").to_string());
    assert_eq!(
        field("/data/user/email", "Ada@X.io"),
        email("ada@x.io").to_string()
    );
    assert_eq!(
        field("username", "ada@partner.example.acme"),
        email("ada@partner.example.acme").to_string()
    );
    assert_eq!(field("source", "partner-portal"), "partner-portal");
    assert_eq!(
        field("error", "taken: ada@partner.example"),
        format!("taken: {}", email("ada@partner.example"))
    );
}

#[test]
fn remembered_values_are_masked_as_whole_words_under_their_trace_only() {
    let trace = "0123456789abcdef0123456789abcdef";
    known::remember(
        trace,
        [
            (Kind::Name, "Li".to_owned()),
            (Kind::Name, "Ada".to_owned()),
            (Kind::Name, "Lovelace".to_owned()),
        ],
    );
    let said = "Last Name: data value too large: Lovelace (max length=5); Adams and Ada";
    let masked = text(said, Some(trace));
    assert_eq!(
        masked,
        format!(
            "Last Name: data value too large: {} (max length=5); Adams and {}",
            name("Lovelace"),
            name("Ada")
        )
    );
    assert_eq!(text(said, Some("ffffffffffffffffffffffffffffffff")), said);
    assert_eq!(
        text("Licence for Li", Some(trace)),
        "Licence for Li",
        "too short to search for"
    );
}

#[test]
fn a_log_line_names_its_trace_in_either_format() {
    let id = "4bf92f3577b34da6a3ce929d0e0e4736";
    assert_eq!(
        trace_of_line(&format!(r#"{{"level":"WARN","trace_id":"{id}","x":1}}"#)),
        Some(id)
    );
    assert_eq!(
        trace_of_line(&format!("command{{trace_id={id} subject=a}}: hi")),
        Some(id)
    );
    assert_eq!(trace_of_line("no trace here"), None);
    assert_eq!(trace_of_line("trace_id=short"), None);
}
