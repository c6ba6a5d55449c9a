//! SOQL, the subset provisioning needs: parsed with a real grammar, executed over the org's records.
//!
//! The executor reads records through [`DataSource`], so it knows nothing of how the org stores them.
//!
//! The path of a query: [`parse`] (syntax only, `MALFORMED_QUERY`) → [`execute`] (names and
//! literal types checked against the org's schema, then records filtered, ordered, cut by
//! OFFSET/LIMIT and shaped as the REST API prints them) → [`paginate`] (batches of at most
//! [`MAX_BATCH_SIZE`] for `nextRecordsUrl`). Module by module: `soql.pest` the grammar, `parse`
//! the AST builder, `ast` the query shape, `literal` string escapes and LIKE patterns, `resolve`
//! field paths, `plan` and `check` the schema checks, `probe` the records an index narrows a
//! query to, `typed` and `eval` comparisons, `execute` ordering and
//! projection, `page` batches, `error` Salesforce's message shapes.

mod ast;
mod check;
mod error;
mod eval;
mod execute;
mod literal;
mod page;
mod parse;
mod plan;
mod probe;
mod resolve;
#[cfg(test)]
mod tests;
mod typed;

pub use ast::{
    Comparison, Condition, Count, FieldPath, Literal, LiteralValue, Name, Operator, OrderItem,
    Query, RelativeDate, Selection,
};
pub use execute::{QueryResult, check, execute, execute_at, probed_field};
pub use literal::LikePattern;
pub use page::{MAX_BATCH_SIZE, MIN_BATCH_SIZE, batch_size, paginate};
pub use parse::parse;
pub use plan::MAX_OFFSET;
pub use resolve::MAX_RELATIONSHIP_DEPTH;

use crate::record::Record;
use crate::schema::ObjectDef;

/// What the query executor needs from the org.
pub trait DataSource {
    /// The object type with this name (case-insensitive), or `None` when the org has no such type.
    fn object(&self, name: &str) -> Option<&ObjectDef>;
    /// Every record of one object type, in a stable order (creation order).
    fn records(&self, object: &str) -> Box<dyn Iterator<Item = &Record> + '_>;
    /// One record by its 15- or 18-character id, whatever its type.
    fn record(&self, id: &str) -> Option<&Record>;
    /// Records of `object` (canonical spelling) whose `field` may equal one of `keys` (text
    /// or ids, compared as SOQL compares them), in creation order, each once: a superset the
    /// executor still filters. `None` when the source cannot look the field up, and every
    /// record is read.
    fn candidates(&self, object: &str, field: &str, keys: &[&str]) -> Option<Vec<&Record>> {
        let _ = (object, field, keys);
        None
    }
}
