//! A parsed query checked against the org's schema: every name resolved to its canonical
//! spelling and type, every literal to its field's type. What Salesforce refuses with
//! `INVALID_TYPE`, `INVALID_FIELD` or `NUMBER_OUTSIDE_VALID_RANGE` is refused here, before a
//! single record is read.

use chrono::NaiveDate;

use super::DataSource;
use super::ast::{FieldPath, Query, Selection};
use super::check::{Filter, check_condition};
use super::error::{
    malformed, no_such_column, not_queryable, offset_too_large, unknown_relationship,
    unsupported_object,
};
use crate::error::ApiError;
use crate::schema::{FieldType, ObjectDef};

/// Salesforce follows at most five child-to-parent relationships in one path.
pub const MAX_RELATIONSHIP_DEPTH: usize = 5;

/// The largest OFFSET Salesforce accepts.
pub const MAX_OFFSET: u32 = 2000;

/// One reference followed on the way to a parent field.
#[derive(Debug, Clone, PartialEq)]
pub struct Hop {
    /// The reference field holding the parent's id (`AccountId`).
    pub reference_field: String,
    /// The name the parent is nested under in results (`Account`).
    pub relationship: String,
}

/// A field path resolved against the schema, in canonical spelling.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldRef {
    pub hops: Vec<Hop>,
    pub name: String,
    pub field_type: FieldType,
}

impl FieldRef {
    /// `Account.Name` in canonical spelling: two selections of one field are the same key.
    fn key(&self) -> String {
        let mut parts: Vec<&str> = self.hops.iter().map(|h| h.relationship.as_str()).collect();
        parts.push(&self.name);
        parts.join(".").to_ascii_lowercase()
    }
}

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
        let resolver = Resolver {
            text,
            source,
            root: object,
        };
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

/// Resolves field paths from the queried object.
pub struct Resolver<'a> {
    pub text: &'a str,
    source: &'a dyn DataSource,
    root: &'a ObjectDef,
}

impl Resolver<'_> {
    fn columns(&self, paths: &[FieldPath]) -> Result<Vec<FieldRef>, ApiError> {
        let mut columns: Vec<FieldRef> = Vec::with_capacity(paths.len());
        for path in paths {
            let column = self.resolve(path)?;
            if columns.iter().any(|c| c.key() == column.key()) {
                let message = format!("duplicate field selected: {}", path.dotted());
                return Err(malformed(self.text, path.at, &message));
            }
            columns.push(column);
        }
        Ok(columns)
    }

    /// Follows `path` through relationships to its field. `Id` is always there, whether or
    /// not the schema lists it.
    pub fn resolve(&self, path: &FieldPath) -> Result<FieldRef, ApiError> {
        let Some((last, relationships)) = path.segments.split_last() else {
            return Err(malformed(self.text, path.at, "unexpected token: '<EOF>'"));
        };
        if relationships.len() > MAX_RELATIONSHIP_DEPTH {
            let message = format!(
                "SOQL statements cannot query more than {MAX_RELATIONSHIP_DEPTH} levels of relationships"
            );
            return Err(malformed(self.text, path.at, &message));
        }
        let mut object = self.root;
        let mut hops = Vec::with_capacity(relationships.len());
        for name in relationships {
            let field = object
                .relationship(name)
                .ok_or_else(|| unknown_relationship(self.text, path.at, name))?;
            let parent = field
                .reference_to
                .first()
                .and_then(|target| self.source.object(target))
                .ok_or_else(|| unknown_relationship(self.text, path.at, name))?;
            hops.push(Hop {
                reference_field: field.name.clone(),
                relationship: field
                    .relationship_name
                    .clone()
                    .unwrap_or_else(|| name.clone()),
            });
            object = parent;
        }
        let (name, field_type) = match object.field(last) {
            Some(field) => (field.name.clone(), field.field_type),
            None if last.eq_ignore_ascii_case("Id") => ("Id".to_owned(), FieldType::Id),
            None => return Err(no_such_column(self.text, path.at, last, &object.name)),
        };
        Ok(FieldRef {
            hops,
            name,
            field_type,
        })
    }
}
