//! Field paths of a query (`Account.Owner.Name`) followed through the schema's relationships
//! to the field they name, in canonical spelling: `INVALID_FIELD` and `MALFORMED_QUERY` for
//! names the schema does not have, or paths too deep.

use super::DataSource;
use super::ast::FieldPath;
use super::error::{malformed, no_such_column, unknown_relationship};
use crate::error::ApiError;
use crate::schema::{FieldType, ObjectDef};

/// Salesforce follows at most five child-to-parent relationships in one path.
pub const MAX_RELATIONSHIP_DEPTH: usize = 5;

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

/// Resolves field paths from the queried object.
pub struct Resolver<'a> {
    pub text: &'a str,
    source: &'a dyn DataSource,
    root: &'a ObjectDef,
}

impl<'a> Resolver<'a> {
    /// Resolves paths from `root`, the queried object; `text` is the query, for error messages.
    pub fn new(text: &'a str, source: &'a dyn DataSource, root: &'a ObjectDef) -> Self {
        Resolver { text, source, root }
    }

    /// The selected fields, each once.
    pub fn columns(&self, paths: &[FieldPath]) -> Result<Vec<FieldRef>, ApiError> {
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
