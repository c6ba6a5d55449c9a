//! WHERE conditions checked against field types: each literal must be of its field's type, as
//! Salesforce requires ("value of filter criterion for field 'IsActive' must be of type boolean
//! and should not be enclosed in quotes").

use chrono::{Days, NaiveDate};

use super::ast::{Comparison, Condition, FieldPath, Literal, LiteralValue, Operator, RelativeDate};
use super::error::{filter_type, invalid_id, invalid_operator};
use super::literal::LikePattern;
use super::resolve::{FieldRef, Resolver};
use super::typed::{InKeys, Operand, Typed};
use crate::error::ApiError;
use crate::schema::FieldType;

/// A WHERE tree whose fields are resolved and whose literals are typed.
#[derive(Debug, Clone)]
pub enum Filter {
    And(Vec<Filter>),
    Or(Vec<Filter>),
    Not(Box<Filter>),
    Test { field: FieldRef, test: Test },
}

/// What one comparison asks of a field.
#[derive(Debug, Clone)]
pub enum Test {
    /// `=`, `!=`, `<`, `>`, `<=`, `>=`.
    Compare(Operator, Operand),
    /// `IN (…)`, or `NOT IN (…)` when `negated`.
    In {
        values: Vec<Operand>,
        negated: bool,
        /// The values as a set, when they are all text or all ids: an `IN` over 1,000 keys
        /// is then one look-up per record, not 1,000 comparisons.
        keys: Option<InKeys>,
    },
    Like(LikePattern),
}

/// Resolves and type-checks a WHERE tree. `today` gives `TODAY` and its kin their days.
pub fn check_condition(
    condition: &Condition,
    resolver: &Resolver<'_>,
    today: NaiveDate,
) -> Result<Filter, ApiError> {
    let all = |items: &[Condition]| {
        items
            .iter()
            .map(|c| check_condition(c, resolver, today))
            .collect::<Result<Vec<_>, _>>()
    };
    Ok(match condition {
        Condition::And(items) => Filter::And(all(items)?),
        Condition::Or(items) => Filter::Or(all(items)?),
        Condition::Not(inner) => Filter::Not(Box::new(check_condition(inner, resolver, today)?)),
        Condition::Compare(comparison) => check_comparison(comparison, resolver, today)?,
    })
}

fn check_comparison(
    comparison: &Comparison,
    resolver: &Resolver<'_>,
    today: NaiveDate,
) -> Result<Filter, ApiError> {
    let field = resolver.resolve(&comparison.field)?;
    let checker = Checker {
        text: resolver.text,
        path: &comparison.field,
        field: &field,
        today,
    };
    let operands = || {
        comparison
            .values
            .iter()
            .map(|l| checker.operand(l))
            .collect::<Result<Vec<_>, _>>()
    };
    let test = match comparison.operator {
        Operator::Like => Test::Like(checker.pattern(comparison.values.first())?),
        Operator::In | Operator::NotIn => {
            let values = operands()?;
            Test::In {
                keys: InKeys::of(&values),
                values,
                negated: comparison.operator == Operator::NotIn,
            }
        }
        operator => {
            let operand = operands()?
                .into_iter()
                .next()
                .unwrap_or(Operand::Value(Typed::Null));
            Test::Compare(operator, operand)
        }
    };
    Ok(Filter::Test { field, test })
}

struct Checker<'a> {
    text: &'a str,
    path: &'a FieldPath,
    field: &'a FieldRef,
    today: NaiveDate,
}

impl Checker<'_> {
    /// The literal as an operand of this field's type, or Salesforce's refusal.
    fn operand(&self, literal: &Literal) -> Result<Operand, ApiError> {
        use FieldType as F;
        let value = match (&literal.value, self.field.field_type) {
            (LiteralValue::Null, _) => Typed::Null,
            (LiteralValue::Text { value, .. }, F::Id | F::Reference) => {
                if value.is_empty() {
                    // Salesforce reads an empty id as null.
                    Typed::Null
                } else if is_id(value) {
                    Typed::Id(value.clone())
                } else {
                    return Err(invalid_id(self.text, self.path.at, value));
                }
            }
            (LiteralValue::Text { value, .. }, t) if is_text(t) => Typed::Text(value.clone()),
            (LiteralValue::Boolean(b), F::Boolean) => Typed::Bool(*b),
            (LiteralValue::Integer(n), F::Int | F::Double) => Typed::Number(*n as f64),
            (LiteralValue::Decimal(x), F::Int | F::Double) => Typed::Number(*x),
            (LiteralValue::Date(d), F::Date) => Typed::Date(*d),
            (LiteralValue::DateTime(t), F::Datetime) => Typed::Instant(t.to_utc()),
            (LiteralValue::Relative(r), F::Date | F::Datetime) => {
                let (start, end) = span(*r, self.today);
                return Ok(Operand::Span { start, end });
            }
            _ => return Err(self.wrong_type()),
        };
        Ok(Operand::Value(value))
    }

    /// LIKE takes a quoted pattern, and only on text fields.
    fn pattern(&self, literal: Option<&Literal>) -> Result<LikePattern, ApiError> {
        let field_type = self.field.field_type;
        if matches!(field_type, FieldType::Id | FieldType::Reference) {
            return Err(invalid_operator(self.text, self.path.at, "id"));
        }
        match literal.map(|l| &l.value) {
            Some(LiteralValue::Text { pattern, .. }) if is_text(field_type) => Ok(pattern.clone()),
            _ if is_text(field_type) => Err(filter_type(
                self.text,
                self.path.at,
                &self.field.name,
                "string",
                true,
            )),
            _ => Err(self.wrong_type()),
        }
    }

    fn wrong_type(&self) -> ApiError {
        let (wanted, quoted) = match self.field.field_type {
            FieldType::Id | FieldType::Reference => ("id", true),
            FieldType::Boolean => ("boolean", false),
            FieldType::Int => ("integer", false),
            FieldType::Double => ("double", false),
            FieldType::Date => ("date", false),
            FieldType::Datetime => ("dateTime", false),
            _ => ("string", true),
        };
        filter_type(self.text, self.path.at, &self.field.name, wanted, quoted)
    }
}

fn is_text(field_type: FieldType) -> bool {
    matches!(
        field_type,
        FieldType::String
            | FieldType::Email
            | FieldType::Picklist
            | FieldType::Textarea
            | FieldType::Phone
            | FieldType::Url
    )
}

/// A Salesforce id: 15 or 18 letters and digits.
fn is_id(value: &str) -> bool {
    matches!(value.len(), 15 | 18) && value.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// The days a relative date literal stands for, as `[start, end)`. Days are UTC days: the
/// simulated org has no user time zone.
pub fn span(relative: RelativeDate, today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let back = |n: u32| {
        today
            .checked_sub_days(Days::new(n.into()))
            .unwrap_or(NaiveDate::MIN)
    };
    let ahead = |n: u32| {
        today
            .checked_add_days(Days::new(n.into()))
            .unwrap_or(NaiveDate::MAX)
    };
    match relative {
        RelativeDate::Today => (today, ahead(1)),
        RelativeDate::Yesterday => (back(1), today),
        RelativeDate::Tomorrow => (ahead(1), ahead(2)),
        // Salesforce counts today in LAST_N_DAYS: LAST_N_DAYS:1 is yesterday and today.
        RelativeDate::LastNDays(n) => (back(n), ahead(1)),
        RelativeDate::NextNDays(n) => (ahead(1), ahead(n.saturating_add(1))),
        RelativeDate::NDaysAgo(n) => (back(n), back(n).succ_opt().unwrap_or(NaiveDate::MAX)),
    }
}
