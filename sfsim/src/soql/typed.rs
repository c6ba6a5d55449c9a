//! Values brought to their field's schema type, so comparisons follow Salesforce's rules for
//! that type rather than JSON's.

use std::cmp::Ordering;
use std::collections::HashSet;

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

/// The values of an `IN` list as a set of the keys [`order`] compares by: lower-cased text, or
/// the first 15 characters of ids.
#[derive(Debug, Clone)]
pub enum InKeys {
    Text(HashSet<String>),
    Id(HashSet<String>),
}

impl InKeys {
    /// The set, when every value is text, or every value an id; `None` otherwise (a null in
    /// the list, dates, numbers), and the list is compared value by value.
    pub fn of(values: &[Operand]) -> Option<InKeys> {
        let text: Option<HashSet<String>> = values
            .iter()
            .map(|v| match v {
                Operand::Value(Typed::Text(t)) => Some(t.to_lowercase()),
                _ => None,
            })
            .collect();
        if let Some(text) = text {
            return Some(InKeys::Text(text));
        }
        let ids: Option<HashSet<String>> = values
            .iter()
            .map(|v| match v {
                Operand::Value(Typed::Id(id)) => Some(id_key(id).to_owned()),
                _ => None,
            })
            .collect();
        ids.map(InKeys::Id)
    }

    /// Whether `value` is in the set; `None` when the value is not of the set's kind.
    pub fn contains(&self, value: &Typed) -> Option<bool> {
        match (self, value) {
            (InKeys::Text(keys), Typed::Text(t)) => Some(keys.contains(&t.to_lowercase())),
            (InKeys::Id(keys), Typed::Id(id)) => Some(keys.contains(id_key(id))),
            _ => None,
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
mod tests;
