//! A parsed query checked against the org's schema: every name resolved to its canonical
//! spelling and type, every literal to its field's type. What Salesforce refuses with
//! `INVALID_TYPE`, `INVALID_FIELD` or `NUMBER_OUTSIDE_VALID_RANGE` is refused here, before a
//! single record is read.

use chrono::NaiveDate;

use super::DataSource;
use super::ast::{Query, Selection};
use super::check::{Filter, check_condition};
use super::error::{not_queryable, offset_too_large, unsupported_object};
use super::resolve::{FieldRef, Resolver};
use crate::error::ApiError;

/// The largest OFFSET Salesforce accepts.
pub const MAX_OFFSET: u32 = 2000;

/// One resolved ORDER BY key.
#[derive(Debug, Clone)]
pub struct SortKey {
    pub field: FieldRef,
    pub descending: bool,
    pub nulls_first: bool,
}

/// Everything the executor needs, checked.
#[derive(Debug, Clone)]
pub struct Plan {
    /// The queried object's canonical name.
    pub object: String,
    /// Selected fields; `None` for `COUNT()`.
    pub columns: Option<Vec<FieldRef>>,
    pub filter: Option<Filter>,
    pub sort: Vec<SortKey>,
    pub offset: usize,
    pub limit: Option<usize>,
}

impl Plan {
    /// Checks `query` against the org. `today` fixes what `TODAY` and its kin mean.
    pub fn build(
        query: &Query,
        source: &dyn DataSource,
        today: NaiveDate,
    ) -> Result<Plan, ApiError> {
        let text = query.text.as_str();
        let object = source
            .object(&query.object.text)
            .ok_or_else(|| unsupported_object(text, query.object.at, &query.object.text))?;
        if !object.operations.query {
            return Err(not_queryable(text, query.object.at, &object.name));
        }
        let resolver = Resolver::new(text, source, object);
        let columns = match &query.selection {
            Selection::Count => None,
            Selection::Fields(paths) => Some(resolver.columns(paths)?),
        };
        let filter = match &query.filter {
            Some(condition) => Some(check_condition(condition, &resolver, today)?),
            None => None,
        };
        let sort = query
            .order_by
            .iter()
            .map(|item| {
                Ok(SortKey {
                    field: resolver.resolve(&item.field)?,
                    descending: item.descending,
                    nulls_first: item.nulls_go_first(),
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        if let Some(offset) = query.offset.filter(|o| o.value > MAX_OFFSET) {
            return Err(offset_too_large(text, offset.at, &object.name, MAX_OFFSET));
        }
        Ok(Plan {
            object: object.name.clone(),
            columns,
            filter,
            sort,
            offset: query.offset.map_or(0, |o| o.value as usize),
            limit: query.limit.map(|l| l.value as usize),
        })
    }
}
