//! The org: its records and the rules Salesforce enforces on them.

use serde_json::Value;

use crate::record::Record;
use crate::schema::{ObjectDef, Schema};
use crate::soql::DataSource;

/// The simulated org's data and settings.
pub struct Org {
    pub schema: Schema,
}

impl Org {
    /// The built-in default org (see the fixture docs).
    pub fn default_org() -> Org {
        Org {
            schema: Schema::default(),
        }
    }

    /// The org's 18-character id (`00D…`), as it appears in token ids and `/id/{orgId}/{userId}`.
    pub fn org_id(&self) -> &str {
        "00D000000000001AAA"
    }

    /// The whole state as JSON, for `/__sim/state`.
    pub fn dump(&self) -> Value {
        Value::Null
    }
}

impl DataSource for Org {
    fn object(&self, name: &str) -> Option<&ObjectDef> {
        self.schema.object(name)
    }

    fn records(&self, _object: &str) -> Box<dyn Iterator<Item = &Record> + '_> {
        Box::new(std::iter::empty())
    }

    fn record(&self, _id: &str) -> Option<&Record> {
        None
    }
}
