use super::*;

#[test]
fn valid_usernames_are_email_shaped_and_at_most_80_characters() {
    assert_eq!(check_username("ada@partner.example.acme"), Ok(()));
    assert_eq!(check_username("a.b+c@x-y.example"), Ok(()));
    assert_eq!(check_username(""), Err(UsernameError::Empty));
    for bad in [
        "ada",
        "ada@",
        "@x.com",
        "ada@localhost",
        "a da@x.com",
        "ada@x..com",
        "a@b@c.com",
        ".ada@x.com",
    ] {
        assert_eq!(
            check_username(bad),
            Err(UsernameError::NotEmailShaped),
            "{bad}"
        );
    }
    let long = format!("{}@example.com", "a".repeat(69));
    assert_eq!(long.len(), 81);
    assert_eq!(
        check_username(&long),
        Err(UsernameError::TooLong { len: 81, max: 80 })
    );
}

#[test]
fn username_candidates_insert_a_number_before_the_at_sign() {
    assert_eq!(
        username_candidates("ada@partner.example.acme", 4),
        vec![
            "ada@partner.example.acme",
            "ada2@partner.example.acme",
            "ada3@partner.example.acme",
            "ada4@partner.example.acme",
        ]
    );
    assert_eq!(username_candidates("ada@partner.example.acme", 0).len(), 0);
    assert!(username_candidates("not a username", 3).is_empty());
}

#[test]
fn username_candidates_stay_within_80_characters_and_valid() {
    let domain = format!("{}.example.com", "x".repeat(27));
    let first = format!("{}@{domain}", "b".repeat(40));
    assert_eq!(first.len(), 80);
    let candidates = username_candidates(&first, 12);
    assert_eq!(candidates.len(), 12);
    assert_eq!(candidates[0], first);
    assert_eq!(candidates[1], format!("{}2@{domain}", "b".repeat(39)));
    assert_eq!(candidates[11], format!("{}12@{domain}", "b".repeat(38)));
    for c in &candidates {
        assert_eq!(check_username(c), Ok(()), "{c}");
    }
    let unique: std::collections::BTreeSet<_> = candidates.iter().collect();
    assert_eq!(unique.len(), candidates.len());
}

#[test]
fn nickname_candidates_append_a_number_within_40_characters() {
    assert_eq!(
        nickname_candidates("ada.lovelace", 3),
        vec!["ada.lovelace", "ada.lovelace2", "ada.lovelace3"]
    );
    let long = "n".repeat(40);
    let candidates = nickname_candidates(&long, 11);
    assert_eq!(candidates[1], format!("{}2", "n".repeat(39)));
    assert_eq!(candidates[10], format!("{}11", "n".repeat(38)));
    assert!(candidates.iter().all(|c| c.chars().count() <= 40));
    assert!(nickname_candidates("  ", 3).is_empty());
}

#[test]
fn aliases_and_nicknames_come_from_names_deterministically() {
    assert_eq!(derive_alias(Some("Ada"), "Lovelace", "u-1"), "alovelac");
    assert_eq!(derive_alias(None, "Hopper", "u-1"), "hopper");
    assert_eq!(derive_alias(Some("Zoë"), "O'Neil", "u-1"), "zoneil");
    assert_eq!(derive_alias(Some("李"), "王", "bamboohr:67890"), "67890");
    assert_eq!(derive_alias(Some("李"), "王", ":"), "user");
    assert_eq!(
        derive_nickname(Some("Ada"), "Lovelace", "x"),
        "ada.lovelace"
    );
    assert_eq!(derive_nickname(None, "Hopper", "x"), "hopper");
    assert_eq!(derive_nickname(Some("李"), "王", "u-1"), "u1");
    assert_eq!(
        derive_nickname(Some(&"a".repeat(30)), &"b".repeat(30), "x").len(),
        40
    );
}
