//! Which records a query need read: an org of 10,000 users answers `Username = '…'` or an `IN`
//! over a page of keys by looking the keys up, not by reading every record of the object.
//!
//! A query probes by a field when its filter, or one conjunct of a top-level `AND`, asks that
//! field of the queried object itself (no relationship on the way) to `=` a text or id
//! literal, or to be `IN` a list of them. The source answers the records that may match, and
//! the whole filter is still tested on each: an index narrows what is read, never what is
//! returned.

use super::DataSource;
use super::ast::Operator;
use super::check::{Filter, Test};
use super::plan::Plan;
use super::typed::{Operand, Typed};
use crate::record::Record;

/// A field to look up and the keys to look it up by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Probe<'p> {
    pub field: &'p str,
    pub keys: Vec<&'p str>,
}

/// The probe a filter allows, if any.
pub fn probe(filter: &Filter) -> Option<Probe<'_>> {
    match filter {
        Filter::And(items) => items.iter().find_map(probe),
        Filter::Test { field, test } if field.hops.is_empty() => {
            let keys = match test {
                Test::Compare(Operator::Eq, operand) => vec![key(operand)?],
                Test::In {
                    values,
                    negated: false,
                    ..
                } => values.iter().map(key).collect::<Option<Vec<_>>>()?,
                _ => return None,
            };
            Some(Probe {
                field: &field.name,
                keys,
            })
        }
        _ => None,
    }
}

fn key(operand: &Operand) -> Option<&str> {
    match operand {
        Operand::Value(Typed::Text(text) | Typed::Id(text)) => Some(text),
        _ => None,
    }
}

/// The records the plan's filter is tested on: those the source finds by the probe, or every
/// record of the object. Either way in creation order.
pub fn candidates<'s>(plan: &Plan, source: &'s dyn DataSource) -> Vec<&'s Record> {
    let found = plan
        .filter
        .as_ref()
        .and_then(probe)
        .and_then(|p| source.candidates(&plan.object, p.field, &p.keys));
    match found {
        Some(records) => records,
        None => source.records(&plan.object).collect(),
    }
}

/// The field of `object` a query probes by, in canonical spelling, for a source that indexes
/// fields on demand.
pub fn probed_field(plan: &Plan) -> Option<(&str, &str)> {
    let probe = probe(plan.filter.as_ref()?)?;
    Some((&plan.object, probe.field))
}
