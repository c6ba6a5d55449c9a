//! The org as one user sees it, for SOQL: objects the user cannot read and fields it cannot
//! see are left out of the schema, so a query naming them is refused exactly as one naming an
//! object or field the org lacks (`INVALID_TYPE` "sObject type 'X' is not supported",
//! `INVALID_FIELD` "No such column"), in SELECT, WHERE and relationship paths alike.

use super::check::Access;
use crate::org::Org;
use crate::record::Record;
use crate::schema::{ObjectDef, Schema};
use crate::soql::DataSource;

/// A read-only view of `org` through one user's permissions.
pub struct Visible<'a> {
    org: &'a Org,
    schema: Schema,
}

impl<'a> Visible<'a> {
    /// What `access` lets its user see of `org`.
    pub fn new(org: &'a Org, access: &Access) -> Visible<'a> {
        let objects = org
            .schema
            .objects
            .iter()
            .filter(|o| access.can_read_object(&o.name))
            .map(|o| {
                let mut object = o.clone();
                object
                    .fields
                    .retain(|f| access.can_read_field(&o.name, &f.name));
                object
            })
            .collect();
        Visible {
            org,
            schema: Schema { objects },
        }
    }
}

impl DataSource for Visible<'_> {
    fn object(&self, name: &str) -> Option<&ObjectDef> {
        self.schema.object(name)
    }

    fn records(&self, object: &str) -> Box<dyn Iterator<Item = &Record> + '_> {
        self.org.records_of(object)
    }

    fn record(&self, id: &str) -> Option<&Record> {
        self.org.record(id)
    }

    fn candidates(&self, object: &str, field: &str, keys: &[&str]) -> Option<Vec<&Record>> {
        self.org.candidates(object, field, keys)
    }
}
