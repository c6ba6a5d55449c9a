//! SOQL, the subset provisioning needs: parsed with a real grammar, executed over the org's records.
//!
//! The executor reads records through [`DataSource`], so it knows nothing of how the org stores them.

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
}
