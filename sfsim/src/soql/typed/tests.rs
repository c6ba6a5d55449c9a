use super::*;
use serde_json::json;

#[test]
fn ids_compare_on_their_first_fifteen_characters_case_sensitively() {
    let long = Typed::Id("003000000000001AAA".into());
    let short = Operand::Value(Typed::Id("003000000000001".into()));
    let other_case = Operand::Value(Typed::Id("003000000000001aaa".into()));
    let lower = Operand::Value(Typed::Id("003000000000OO1".into()));
    assert!(equals(&long, &short));
    assert!(equals(&long, &other_case));
    assert!(!equals(&Typed::Id("003000000000oo1".into()), &lower));
}

#[test]
fn text_compares_without_regard_to_case() {
    let value = Typed::Text("Ada@Example.com".into());
    assert!(equals(
        &value,
        &Operand::Value(Typed::Text("ada@example.COM".into()))
    ));
    assert_eq!(
        order(&Typed::Text("apple".into()), &Typed::Text("Banana".into())),
        Ordering::Less
    );
}

#[test]
fn null_equals_only_null() {
    assert!(equals(&Typed::Null, &Operand::Value(Typed::Null)));
    assert!(!equals(
        &Typed::Text("x".into()),
        &Operand::Value(Typed::Null)
    ));
    assert!(!equals(
        &Typed::Null,
        &Operand::Value(Typed::Text("x".into()))
    ));
    assert_eq!(
        compare(&Typed::Null, &Operand::Value(Typed::Number(1.0))),
        None
    );
}

#[test]
fn stored_values_are_read_by_field_type() {
    assert_eq!(
        Typed::from_json(FieldType::Datetime, &json!("2026-01-31T18:42:00.000+0000")),
        Typed::Instant("2026-01-31T18:42:00Z".parse().unwrap())
    );
    assert_eq!(
        Typed::from_json(FieldType::Date, &json!("2026-01-31")),
        Typed::Date(NaiveDate::from_ymd_opt(2026, 1, 31).unwrap())
    );
    assert_eq!(
        Typed::from_json(FieldType::Boolean, &json!(true)),
        Typed::Bool(true)
    );
    assert_eq!(
        Typed::from_json(FieldType::Int, &json!(7)),
        Typed::Number(7.0)
    );
    assert_eq!(
        Typed::from_json(FieldType::Reference, &json!("")),
        Typed::Null
    );
    assert_eq!(
        Typed::from_json(FieldType::Date, &json!("garbage")),
        Typed::Null
    );
}

#[test]
fn a_day_span_holds_instants_of_those_days() {
    let start = NaiveDate::from_ymd_opt(2026, 1, 31).unwrap();
    let span = Operand::Span {
        start,
        end: start.succ_opt().unwrap(),
    };
    let inside = Typed::Instant("2026-01-31T23:59:59Z".parse().unwrap());
    let after = Typed::Instant("2026-02-01T00:00:00Z".parse().unwrap());
    assert_eq!(compare(&inside, &span), Some(Ordering::Equal));
    assert_eq!(compare(&after, &span), Some(Ordering::Greater));
    assert_eq!(
        compare(&Typed::Date(start.pred_opt().unwrap()), &span),
        Some(Ordering::Less)
    );
}
