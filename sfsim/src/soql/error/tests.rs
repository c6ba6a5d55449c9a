use super::*;

#[test]
fn caret_sits_under_the_reported_column() {
    let message = located("SELECT Foo FROM Contact", 7, "boom");
    assert_eq!(
        message,
        "\nSELECT Foo FROM Contact\n       ^\nERROR at Row:1:Column:8\nboom"
    );
}

#[test]
fn later_rows_echo_their_own_text_and_number() {
    let message = located("SELECT Id\nFROM Contact\nWHERE Foo = 1", 29, "boom");
    assert_eq!(
        message,
        "\nWHERE Foo = 1\n      ^\nERROR at Row:3:Column:7\nboom"
    );
}

#[test]
fn long_rows_are_echoed_from_shortly_before_the_error() {
    let text = format!(
        "SELECT {} FROM Contact WHERE Bad = 1",
        "Id, ".repeat(40) + "Id"
    );
    let at = text.find("Bad").unwrap();
    let message = located(&text, at, "boom");
    let lines: Vec<&str> = message.lines().collect();
    assert!(lines[1].starts_with(", Id"), "{}", lines[1]);
    assert_eq!(lines[2], format!("{}^", " ".repeat(LEAD)));
    assert_eq!(lines[3], format!("ERROR at Row:1:Column:{}", at + 1));
}

#[test]
fn tokens_are_words_strings_operators_or_eof() {
    assert_eq!(token_at("SELECT Id FORM Contact", 10), "FORM");
    assert_eq!(token_at("x = 'it\\'s' y", 4), "'it\\'s'");
    assert_eq!(token_at("a <> b", 2), "<>");
    assert_eq!(token_at("a ) b", 2), ")");
    assert_eq!(token_at("SELECT Id FROM", 14), "<EOF>");
    assert_eq!(token_at("SELECT é", 8), "é");
    assert_eq!(token_at("= 2026-01-31T18:42Z)", 2), "2026-01-31T18:42Z");
}
