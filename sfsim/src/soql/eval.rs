//! WHERE evaluation over one record.
//!
//! SOQL has no third truth value: a null field is simply a value that equals only null. So
//! `Email != 'a@b.com'` keeps records whose Email is null, `Email = null` finds them, and
//! ordering operators and LIKE never match null.

use std::cmp::Ordering;

use serde_json::Value;

use super::DataSource;
use super::ast::Operator;
use super::check::{Filter, Test};
use super::resolve::{FieldRef, Hop};
use super::typed::{Typed, compare, equals};
use crate::record::Record;

/// The record a path's field lives on: `record` itself, or the parent reached through `hops`.
/// `None` when a reference on the way is empty or points at no record.
pub fn owner<'a>(
    record: &'a Record,
    hops: &[Hop],
    source: &'a dyn DataSource,
) -> Option<&'a Record> {
    hops.iter().try_fold(record, |current, hop| {
        let id = current.get(&hop.reference_field)?.as_str()?;
        source.record(id)
    })
}

/// A field's stored value; `Id` falls back to the record's own id.
pub fn raw_value(record: &Record, name: &str) -> Value {
    match record.get(name) {
        Some(value) => value.clone(),
        None if name.eq_ignore_ascii_case("Id") => Value::String(record.id.clone()),
        None => Value::Null,
    }
}

/// A field's value read as its schema type; null when a parent on the way is missing.
pub fn typed_value(record: &Record, field: &FieldRef, source: &dyn DataSource) -> Typed {
    match owner(record, &field.hops, source) {
        Some(owner) => Typed::from_json(field.field_type, &raw_value(owner, &field.name)),
        None => Typed::Null,
    }
}

/// Whether `record` passes `filter`.
pub fn matches(filter: &Filter, record: &Record, source: &dyn DataSource) -> bool {
    match filter {
        Filter::And(items) => items.iter().all(|f| matches(f, record, source)),
        Filter::Or(items) => items.iter().any(|f| matches(f, record, source)),
        Filter::Not(inner) => !matches(inner, record, source),
        Filter::Test { field, test } => {
            let value = typed_value(record, field, source);
            passes(&value, test)
        }
    }
}

fn passes(value: &Typed, test: &Test) -> bool {
    match test {
        Test::Like(pattern) => match value {
            Typed::Text(text) => pattern.matches(text),
            _ => false,
        },
        Test::In {
            values,
            negated,
            keys,
        } => {
            let found = keys
                .as_ref()
                .and_then(|keys| keys.contains(value))
                .unwrap_or_else(|| values.iter().any(|v| equals(value, v)));
            found != *negated
        }
        Test::Compare(operator, operand) => {
            let ordering = compare(value, operand);
            match operator {
                Operator::Eq => equals(value, operand),
                Operator::Ne => !equals(value, operand),
                Operator::Lt => ordering == Some(Ordering::Less),
                Operator::Gt => ordering == Some(Ordering::Greater),
                Operator::Le => matches!(ordering, Some(Ordering::Less | Ordering::Equal)),
                Operator::Ge => matches!(ordering, Some(Ordering::Greater | Ordering::Equal)),
                Operator::Like | Operator::In | Operator::NotIn => false,
            }
        }
    }
}
