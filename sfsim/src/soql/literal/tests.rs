use super::*;

fn pattern(body: &str) -> LikePattern {
    decode_string(body).1
}

#[test]
fn percent_matches_any_run_and_underscore_one_character() {
    assert!(pattern("ad%").matches("Ada Lovelace"));
    assert!(pattern("%lace").matches("Ada Lovelace"));
    assert!(pattern("%LOVE%").matches("Ada Lovelace"));
    assert!(pattern("a_a%").matches("Ada"));
    assert!(!pattern("a_a").matches("Adda"));
    assert!(pattern("%").matches(""));
    assert!(!pattern("_").matches(""));
    assert!(pattern("%a%b%c").matches("xxaxxbxxbxc"));
    assert!(!pattern("%a%b%c").matches("xxaxxbxxbx"));
}

#[test]
fn escaped_wildcards_match_only_themselves() {
    assert!(pattern(r"100\%").matches("100%"));
    assert!(!pattern(r"100\%").matches("1000"));
    assert!(pattern(r"a\_b").matches("a_b"));
    assert!(!pattern(r"a\_b").matches("axb"));
}

#[test]
fn string_escapes_decode_as_salesforce_lists_them() {
    assert_eq!(decode_string(r"O\'Brien").0, "O'Brien");
    assert_eq!(decode_string(r"back\\slash").0, r"back\slash");
    assert_eq!(decode_string(r"two\nlines\ttab").0, "two\nlines\ttab");
    assert_eq!(decode_string(r#"say \"hi\""#).0, "say \"hi\"");
}

#[test]
fn timestamps_parse_in_every_offset_form() {
    let utc = parse_datetime("2026-01-31T18:42:00Z").unwrap();
    assert_eq!(parse_datetime("2026-01-31T19:42:00+01:00").unwrap(), utc);
    assert_eq!(parse_datetime("2026-01-31T18:42:00.000+0000").unwrap(), utc);
    assert_eq!(parse_datetime("2026-01-31T13:42:00-0500").unwrap(), utc);
    assert!(parse_datetime("2026-02-31T18:42:00Z").is_none());
    assert!(parse_datetime("nonsense").is_none());
    assert!(parse_datetime("é").is_none());
}
