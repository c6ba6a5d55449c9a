use super::*;
use sfsim::soql::{Condition, LiteralValue, parse};

/// Parses `WHERE LastName = <quoted>` with the simulated org's SOQL grammar (Salesforce's
/// escapes) and returns the one literal the condition compares against.
fn round_trip(value: &str) -> String {
    let soql = format!("SELECT Id FROM Contact WHERE LastName = {}", quote(value));
    let query = parse(&soql).unwrap_or_else(|e| panic!("{soql}: {e:?}"));
    match query.filter {
        Some(Condition::Compare(comparison)) => {
            assert_eq!(comparison.values.len(), 1, "{soql}");
            match &comparison.values[0].value {
                LiteralValue::Text { value, .. } => value.clone(),
                other => panic!("{soql}: not text: {other:?}"),
            }
        }
        other => panic!("{soql}: the value escaped its literal: {other:?}"),
    }
}

#[test]
fn plain_values_are_quoted() {
    assert_eq!(quote("Smith"), "'Smith'");
    assert_eq!(quote(""), "''");
    assert_eq!(quote_list(["a", "b'c"]), "'a', 'b\\'c'");
}

#[test]
fn quotes_and_backslashes_cannot_end_the_literal() {
    assert_eq!(quote("O'Brien"), r"'O\'Brien'");
    assert_eq!(quote(r"a\"), r"'a\\'");
    assert_eq!(quote(r"\'"), r"'\\\''");
}

#[test]
fn injection_attempts_read_back_as_the_value_they_are() {
    let attempts = [
        "' OR Name != '",
        "x' OR LastName LIKE '%",
        r"\' OR Id != null OR LastName = \'",
        r"trailing backslash \",
        "'; DELETE FROM Contact --",
        "a' AND (Id != null",
        "multi\nline\r\nvalue\twith\u{8}controls\u{c}",
        "double \" quote",
        "ünïcödé ☃ and 100% _wild_",
        r"\\\\''''\\",
    ];
    for value in attempts {
        assert_eq!(round_trip(value), value, "{value:?}");
    }
}

#[test]
fn any_mix_of_dangerous_characters_reads_back_unchanged() {
    let alphabet = ['\'', '\\', '"', 'a', ' ', '\n', '%', '_', ')', '\t'];
    // Every string of length up to 4 over the alphabet: 11,111 cases, quick to parse.
    let mut layer = vec![String::new()];
    let mut strings = layer.clone();
    for _ in 0..4 {
        layer = layer
            .iter()
            .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
            .collect();
        strings.extend(layer.iter().cloned());
    }
    assert!(strings.len() > 10_000);
    for value in &strings {
        assert_eq!(&round_trip(value), value, "{value:?}");
    }
}
