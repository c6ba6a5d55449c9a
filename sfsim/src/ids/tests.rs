use super::*;

// Pairs computed independently with the documented algorithm.
const PAIRS: &[(&str, &str)] = &[
    ("001A0000006Vm9r", "001A0000006Vm9rIAC"),
    ("003D000000QV5hX", "003D000000QV5hXIAT"),
    ("005xx000001SvQp", "005xx000001SvQpAAK"),
    ("0015g00000ZZZZZ", "0015g00000ZZZZZAA5"),
];

#[test]
fn fifteen_character_ids_gain_the_documented_suffix() {
    for (short, long) in PAIRS {
        assert_eq!(to18(short).as_deref(), Some(*long));
        assert_eq!(to15(long), Some(*short));
    }
}

#[test]
fn eighteen_character_ids_with_a_lowercased_suffix_are_accepted_and_normalised() {
    assert_eq!(
        to18("001A0000006Vm9riac").as_deref(),
        Some("001A0000006Vm9rIAC")
    );
}

#[test]
fn a_wrong_suffix_or_length_or_character_is_malformed() {
    assert!(!is_valid("001A0000006Vm9rAAA"));
    assert!(!is_valid("001A0000006Vm9"));
    assert!(!is_valid("001A0000006Vm9r-AC"));
    assert!(!is_valid("001A0000006Vm9!"));
    assert!(!is_valid(""));
    assert!(to15("not an id").is_none());
}

#[test]
fn generated_ids_are_valid_deterministic_and_distinct_per_prefix() {
    let mut a = IdGenerator::default();
    let mut b = IdGenerator::default();
    let first = a.next(CONTACT);
    assert_eq!(first, b.next(CONTACT));
    assert_eq!(first, "0035g0000000001AAA");
    let second = a.next(CONTACT);
    assert_ne!(first, second);
    assert!(is_valid(&second));
    assert_eq!(key_prefix(&a.next(USER)), Some(USER));
}

#[test]
fn counters_beyond_one_base62_digit_carry() {
    assert_eq!(base62(61, 3), "00z");
    assert_eq!(base62(62, 3), "010");
}
