//! What the grammar accepts and the AST it builds.

use super::super::{Condition, LiteralValue, Operator, RelativeDate, Selection, parse};
use super::org::message;

fn where_of(text: &str) -> Condition {
    parse(text).unwrap().filter.unwrap()
}

fn literal_of(value: &str) -> LiteralValue {
    let text = format!("SELECT Id FROM Contact WHERE Name = {value}");
    match where_of(&text) {
        Condition::Compare(c) => c.values[0].value.clone(),
        other => panic!("{other:?}"),
    }
}

fn shape(condition: &Condition) -> String {
    match condition {
        Condition::And(items) => format!(
            "and({})",
            items.iter().map(shape).collect::<Vec<_>>().join(",")
        ),
        Condition::Or(items) => format!(
            "or({})",
            items.iter().map(shape).collect::<Vec<_>>().join(",")
        ),
        Condition::Not(inner) => format!("not({})", shape(inner)),
        Condition::Compare(c) => c.field.dotted(),
    }
}

#[test]
fn keywords_are_case_insensitive() {
    let query = parse(
        "select id, email from Contact where email like 'a%' and not name in ('x') \
         order by name desc nulls last limit 5 offset 2",
    )
    .unwrap();
    assert_eq!(query.object_name(), "Contact");
    assert_eq!(query.limit.map(|l| l.value), Some(5));
    assert_eq!(query.offset.map(|o| o.value), Some(2));
    assert_eq!(query.order_by.len(), 1);
    assert!(query.order_by[0].descending);
    assert!(!query.order_by[0].nulls_go_first());
    let mixed = parse("SeLeCt Id FrOm Contact WhErE Name = 'x' OrDeR bY Name LiMiT 1").unwrap();
    assert_eq!(mixed.limit.map(|l| l.value), Some(1));
}

#[test]
fn field_lists_keep_query_order_and_parent_paths() {
    let query =
        parse("SELECT Id, Profile.Name, Contact.Account.Name, Profile.UserLicense.Name FROM User")
            .unwrap();
    let Selection::Fields(fields) = &query.selection else {
        panic!("not a field list");
    };
    let dotted: Vec<String> = fields.iter().map(|f| f.dotted()).collect();
    assert_eq!(
        dotted,
        [
            "Id",
            "Profile.Name",
            "Contact.Account.Name",
            "Profile.UserLicense.Name"
        ]
    );
    assert_eq!(fields[2].at, 25);
    assert!(!query.is_count());
}

#[test]
fn count_alone_is_a_count_query() {
    let query = parse("SELECT COUNT() FROM User WHERE IsActive = true").unwrap();
    assert!(query.is_count());
    assert_eq!(query.object_name(), "User");
    // A field named like the keyword is still a field.
    assert!(!parse("SELECT Count FROM Thing").unwrap().is_count());
}

#[test]
fn chains_of_one_operator_need_no_parentheses() {
    let text = "SELECT Id FROM Contact WHERE A = 1 AND B = 2 AND C = 3";
    assert_eq!(shape(&where_of(text)), "and(A,B,C)");
    let text = "SELECT Id FROM Contact WHERE A = 1 OR B = 2 OR C = 3";
    assert_eq!(shape(&where_of(text)), "or(A,B,C)");
}

#[test]
fn parentheses_decide_grouping() {
    let text = "SELECT Id FROM Contact WHERE A = 1 AND (B = 2 OR C = 3)";
    assert_eq!(shape(&where_of(text)), "and(A,or(B,C))");
    let text = "SELECT Id FROM Contact WHERE (A = 1 AND B = 2) OR C = 3";
    assert_eq!(shape(&where_of(text)), "or(and(A,B),C)");
    let text = "SELECT Id FROM Contact WHERE NOT (A = 1 OR B = 2) AND NOT C = 3";
    assert_eq!(shape(&where_of(text)), "and(not(or(A,B)),not(C))");
    let text = "SELECT Id FROM Contact WHERE ((A = 1))";
    assert_eq!(shape(&where_of(text)), "A");
}

#[test]
fn mixing_and_with_or_at_one_level_is_malformed() {
    let error = parse("SELECT Id FROM Contact WHERE A = 1 AND B = 2 OR C = 3").unwrap_err();
    assert_eq!(error.code(), "MALFORMED_QUERY");
    assert_eq!(
        message(&error),
        "\nSELECT Id FROM Contact WHERE A = 1 AND B = 2 OR C = 3\n                                             ^\n\
         ERROR at Row:1:Column:46\nunexpected token: 'OR'"
    );
    let error = parse("SELECT Id FROM Contact WHERE A = 1 OR B = 2 AND C = 3").unwrap_err();
    assert!(
        message(&error).ends_with("unexpected token: 'AND'"),
        "{}",
        message(&error)
    );
}

#[test]
fn every_comparison_operator_parses() {
    let cases = [
        ("=", Operator::Eq),
        ("!=", Operator::Ne),
        ("<>", Operator::Ne),
        ("<", Operator::Lt),
        (">", Operator::Gt),
        ("<=", Operator::Le),
        (">=", Operator::Ge),
        ("LIKE", Operator::Like),
        ("like", Operator::Like),
    ];
    for (written, expected) in cases {
        let text = format!("SELECT Id FROM Contact WHERE Name {written} 'x'");
        match where_of(&text) {
            Condition::Compare(c) => assert_eq!(c.operator, expected, "{written}"),
            other => panic!("{other:?}"),
        }
    }
    for (written, expected) in [
        ("IN", Operator::In),
        ("NOT IN", Operator::NotIn),
        ("not  in", Operator::NotIn),
    ] {
        let text = format!("SELECT Id FROM Contact WHERE Name {written} ('x', 'y')");
        match where_of(&text) {
            Condition::Compare(c) => {
                assert_eq!(c.operator, expected);
                assert_eq!(c.values.len(), 2);
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
fn strings_decode_their_escapes() {
    let LiteralValue::Text { value, .. } = literal_of(r"'O\'Brien \\ \n end'") else {
        panic!("not text");
    };
    assert_eq!(value, "O'Brien \\ \n end");
    assert!(matches!(literal_of("''"), LiteralValue::Text { value, .. } if value.is_empty()));
}

#[test]
fn numbers_booleans_and_null_parse_as_their_kind() {
    assert_eq!(literal_of("42"), LiteralValue::Integer(42));
    assert_eq!(literal_of("-7"), LiteralValue::Integer(-7));
    assert_eq!(literal_of("+7"), LiteralValue::Integer(7));
    assert_eq!(literal_of("3.25"), LiteralValue::Decimal(3.25));
    assert_eq!(literal_of("-0.5"), LiteralValue::Decimal(-0.5));
    assert_eq!(
        literal_of("99999999999999999999"),
        LiteralValue::Decimal(1e20)
    );
    assert_eq!(literal_of("true"), LiteralValue::Boolean(true));
    assert_eq!(literal_of("FALSE"), LiteralValue::Boolean(false));
    assert_eq!(literal_of("null"), LiteralValue::Null);
    assert_eq!(literal_of("NULL"), LiteralValue::Null);
}

#[test]
fn dates_and_datetimes_parse_in_every_written_form() {
    assert_eq!(
        literal_of("2026-01-31"),
        LiteralValue::Date(chrono::NaiveDate::from_ymd_opt(2026, 1, 31).unwrap())
    );
    let instant: chrono::DateTime<chrono::Utc> = "2026-01-31T18:42:00Z".parse().unwrap();
    for written in [
        "2026-01-31T18:42:00Z",
        "2026-01-31T19:42:00+01:00",
        "2026-01-31T18:42:00.000+0000",
    ] {
        match literal_of(written) {
            LiteralValue::DateTime(t) => assert_eq!(t.to_utc(), instant, "{written}"),
            other => panic!("{written}: {other:?}"),
        }
    }
}

#[test]
fn relative_date_literals_parse() {
    assert_eq!(
        literal_of("TODAY"),
        LiteralValue::Relative(RelativeDate::Today)
    );
    assert_eq!(
        literal_of("yesterday"),
        LiteralValue::Relative(RelativeDate::Yesterday)
    );
    assert_eq!(
        literal_of("Tomorrow"),
        LiteralValue::Relative(RelativeDate::Tomorrow)
    );
    assert_eq!(
        literal_of("LAST_N_DAYS:7"),
        LiteralValue::Relative(RelativeDate::LastNDays(7))
    );
    assert_eq!(
        literal_of("NEXT_N_DAYS:2"),
        LiteralValue::Relative(RelativeDate::NextNDays(2))
    );
    assert_eq!(
        literal_of("N_DAYS_AGO:3"),
        LiteralValue::Relative(RelativeDate::NDaysAgo(3))
    );
}

#[test]
fn order_by_takes_direction_and_null_placement() {
    let query = parse("SELECT Id FROM Contact ORDER BY LastName, Birthdate DESC, Email ASC NULLS LAST, Account.Name DESC NULLS FIRST").unwrap();
    let items: Vec<(String, bool, bool)> = query
        .order_by
        .iter()
        .map(|o| (o.field.dotted(), o.descending, o.nulls_go_first()))
        .collect();
    assert_eq!(
        items,
        [
            ("LastName".into(), false, true),
            ("Birthdate".into(), true, false),
            ("Email".into(), false, false),
            ("Account.Name".into(), true, true),
        ]
    );
}

#[test]
fn misspelt_keyword_is_an_unexpected_token_with_salesforce_echo() {
    let error = parse("SELECT Id FORM Contact").unwrap_err();
    assert_eq!(error.status.as_u16(), 400);
    assert_eq!(error.code(), "MALFORMED_QUERY");
    assert_eq!(
        message(&error),
        "\nSELECT Id FORM Contact\n          ^\nERROR at Row:1:Column:11\nunexpected token: 'FORM'"
    );
}

#[test]
fn a_query_that_stops_early_names_eof() {
    let error = parse("SELECT Id FROM").unwrap_err();
    assert_eq!(error.code(), "MALFORMED_QUERY");
    assert!(
        message(&error).ends_with("ERROR at Row:1:Column:15\nunexpected token: '<EOF>'"),
        "{}",
        message(&error)
    );
}

#[test]
fn reserved_words_cannot_be_fields() {
    let error = parse("SELECT FROM Contact").unwrap_err();
    assert!(
        message(&error).ends_with("unexpected token: 'FROM'"),
        "{}",
        message(&error)
    );
    let error = parse("SELECT Id, Name, FROM Contact").unwrap_err();
    assert!(
        message(&error).ends_with("unexpected token: 'FROM'"),
        "{}",
        message(&error)
    );
}

#[test]
fn limit_and_offset_must_be_numbers() {
    for (text, token) in [
        ("SELECT Id FROM Contact LIMIT abc", "abc"),
        ("SELECT Id FROM Contact LIMIT -1", "-"),
        ("SELECT Id FROM Contact LIMIT 1.5", "1.5"),
        ("SELECT Id FROM Contact LIMIT", "<EOF>"),
        ("SELECT Id FROM Contact OFFSET ten", "ten"),
        ("SELECT Id FROM Contact LIMIT 99999999999", "99999999999"),
    ] {
        let error = parse(text).unwrap_err();
        assert_eq!(error.code(), "MALFORMED_QUERY", "{text}");
        assert!(
            message(&error).ends_with(&format!("unexpected token: '{token}'")),
            "{text}: {}",
            message(&error)
        );
    }
}

#[test]
fn clauses_out_of_order_are_malformed() {
    let error = parse("SELECT Id FROM Contact LIMIT 5 WHERE Name = 'x'").unwrap_err();
    assert!(
        message(&error).ends_with("unexpected token: 'WHERE'"),
        "{}",
        message(&error)
    );
    let error = parse("SELECT Id FROM Contact OFFSET 1 LIMIT 5").unwrap_err();
    assert!(
        message(&error).ends_with("unexpected token: 'LIMIT'"),
        "{}",
        message(&error)
    );
}

#[test]
fn broken_literals_are_malformed() {
    for text in [
        "SELECT Id FROM Contact WHERE Name = 'unterminated",
        "SELECT Id FROM Contact WHERE Name = \"double\"",
        r"SELECT Id FROM Contact WHERE Name = 'bad \q escape'",
        "SELECT Id FROM Contact WHERE Birthdate = 2026-02-31",
        "SELECT Id FROM Contact WHERE Birthdate = 2026-13-01T00:00:00Z",
        "SELECT Id FROM Contact WHERE Name IN ()",
        "SELECT Id FROM Contact WHERE Name",
        "SELECT Id FROM Contact WHERE Name = ",
        "SELECT Id FROM Contact WHERE CreatedDate = LAST_N_DAYS:",
    ] {
        let error = parse(text).unwrap_err();
        assert_eq!(error.code(), "MALFORMED_QUERY", "{text}");
        assert!(message(&error).contains("ERROR at Row:1:Column:"), "{text}");
    }
}

#[test]
fn rows_and_columns_count_across_lines() {
    let error = parse("SELECT Id\nFROM Contact\nWHERE Name == 'x'").unwrap_err();
    assert_eq!(
        message(&error),
        "\nWHERE Name == 'x'\n            ^\nERROR at Row:3:Column:13\nunexpected token: '='"
    );
}

#[test]
fn very_deep_parentheses_are_refused_not_recursed() {
    let text = format!(
        "SELECT Id FROM Contact WHERE {}Name = 'x'{}",
        "(".repeat(5000),
        ")".repeat(5000)
    );
    assert_eq!(parse(&text).unwrap_err().code(), "MALFORMED_QUERY");
    let text = format!(
        "SELECT Id FROM Contact WHERE {}Name = 'x'{}",
        "(".repeat(20),
        ")".repeat(20)
    );
    assert!(parse(&text).is_ok());
}
