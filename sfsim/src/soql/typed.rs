//! Values brought to their field's schema type, so comparisons follow Salesforce's rules for
//! that type rather than JSON's.

use std::cmp::Ordering;

use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;

use super::literal::parse_datetime;
use crate::schema::FieldType;

/// A field value or literal read as its field's type.
#[derive(Debug, Clone, PartialEq)]
pub enum Typed {
    Null,
    /// A record id; compared on its first 15 characters so the 15- and 18-character forms of
    /// one id are equal (the last 3 are a case-safe checksum, the first 15 are case-sensitive).
    Id(String),
    /// Text of any kind; compared case-insensitively, as Salesforce does for `=`, `IN`, `LIKE`
    /// and ordering.
    Text(String),
    Bool(bool),
    Number(f64),
    Date(NaiveDate),
    Instant(DateTime<Utc>),
}

/// The right-hand side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    Value(Typed),
    /// Whole days from `start` up to, not including, `end` (UTC): what `TODAY` or
    /// `LAST_N_DAYS:7` stand for. A value inside compares equal, before is less, after greater.
    Span {
        start: NaiveDate,
        end: NaiveDate,
    },
}

impl Typed {
    /// Reads a stored JSON value as `field_type`. Anything unreadable counts as null: the
    /// org stores what the REST API prints, so this only loses values nothing could match.
    pub fn from_json(field_type: FieldType, value: &Value) -> Typed {
        let text = match value {
            Value::Null => return Typed::Null,
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        match field_type {
            FieldType::Id | FieldType::Reference if text.is_empty() => Typed::Null,
            FieldType::Id | FieldType::Reference => Typed::Id(text),
            FieldType::Boolean => match value {
                Value::Bool(b) => Typed::Bool(*b),
                _ => match text.to_ascii_lowercase().as_str() {
                    "true" => Typed::Bool(true),
                    "false" => Typed::Bool(false),
                    _ => Typed::Null,
                },
            },
            FieldType::Int | FieldType::Double => match value {
                Value::Number(n) => n.as_f64().map_or(Typed::Null, Typed::Number),
                _ => text.trim().parse().map_or(Typed::Null, Typed::Number),
            },
            FieldType::Date => text
                .get(..10)
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .map_or(Typed::Null, Typed::Date),
            FieldType::Datetime => {
                parse_datetime(&text).map_or(Typed::Null, |t| Typed::Instant(t.to_utc()))
            }
            FieldType::String
            | FieldType::Email
            | FieldType::Picklist
            | FieldType::Textarea
            | FieldType::Phone
            | FieldType::Url => Typed::Text(text),
        }
    }
}

/// The significant part of an id: its first 15 characters.
fn id_key(id: &str) -> &str {
    id.get(..15).unwrap_or(id)
}

/// How two non-null values of one type order. Values of different types never meet (literals
/// are checked against the field's type first), but are answered as equal rather than refused.
pub fn order(a: &Typed, b: &Typed) -> Ordering {
    match (a, b) {
        (Typed::Id(a), Typed::Id(b)) => id_key(a).cmp(id_key(b)),
        (Typed::Text(a), Typed::Text(b)) => a.to_lowercase().cmp(&b.to_lowercase()),
        (Typed::Bool(a), Typed::Bool(b)) => a.cmp(b),
        (Typed::Number(a), Typed::Number(b)) => a.partial_cmp(b).unwrap_or(Ordering::Equal),
        (Typed::Date(a), Typed::Date(b)) => a.cmp(b),
        (Typed::Instant(a), Typed::Instant(b)) => a.cmp(b),
        _ => Ordering::Equal,
    }
}

/// How a field value compares with an operand; `None` when either side is null.
pub fn compare(value: &Typed, operand: &Operand) -> Option<Ordering> {
    if *value == Typed::Null {
        return None;
    }
    match operand {
        Operand::Value(Typed::Null) => None,
        Operand::Value(other) => Some(order(value, other)),
        Operand::Span { start, end } => {
            let day = match value {
                Typed::Date(d) => *d,
                Typed::Instant(t) => t.date_naive(),
                _ => return None,
            };
            Some(if day < *start {
                Ordering::Less
            } else if day >= *end {
                Ordering::Greater
            } else {
                Ordering::Equal
            })
        }
    }
}

/// SOQL's `=`: null equals only null, which is what `Field = null` asks.
pub fn equals(value: &Typed, operand: &Operand) -> bool {
    match operand {
        Operand::Value(Typed::Null) => *value == Typed::Null,
        _ => compare(value, operand) == Some(Ordering::Equal),
    }
}

#[cfg(test)]
mod tests {
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
}
